/**
 * A local QUIC interop runner, in network namespaces instead of containers: {@link
 * dev.ferry.interop.runner.InteropMatrixIT} runs every server against every client for each case on a
 * {@link dev.ferry.interop.runner.RunnerTopology}, {@link dev.ferry.interop.runner.CellRun} runs and grades one
 * cell (files, exit codes, and {@link dev.ferry.interop.runner.TraceChecks} on a capture read by
 * {@link dev.ferry.interop.runner.TraceReader}), and {@link dev.ferry.interop.runner.MatrixReport} writes the
 * matrix. {@code scripts/interop.sh} runs the whole of it; docs/interop.md explains what each check approximates.
 */
package dev.ferry.interop.runner;
