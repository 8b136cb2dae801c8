/**
 * A local QUIC interop runner, in network namespaces instead of containers: {@link
 * dev.ferry.interop.runner.InteropMatrixIT} runs every server against every client for each case on a
 * {@link dev.ferry.interop.runner.RunnerTopology}, {@link dev.ferry.interop.runner.CellRun} runs and grades one
 * cell (files, exit codes, and {@link dev.ferry.interop.runner.TraceChecks} on a capture read by
 * {@link dev.ferry.interop.runner.TraceReader}), and {@link dev.ferry.interop.runner.MatrixReport} writes the
 * matrix. The other stacks' endpoints are launched as the runner's images would launch them ({@link
 * dev.ferry.interop.runner.Implementation}; kwik's through {@link dev.ferry.interop.runner.KwikInteropClient} and
 * {@link dev.ferry.interop.runner.KwikInteropServer}); the simulator's long delay is a {@link
 * dev.ferry.interop.runner.DelayLine}. {@code scripts/interop.sh} runs the whole of it; docs/interop.md explains
 * what each check approximates.
 */
package dev.ferry.interop.runner;
