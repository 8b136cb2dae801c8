/**
 * Helpers that start and drive real programs for the integration tests: origins (nginx, nghttpd), HTTP/3 clients
 * (ngtcp2's {@code gtlsclient}), the h3spec conformance suite, files with known content, and a port that refuses
 * connections ({@link dev.ferry.interop.support.RefusingPort}).
 *
 * <p>Every server listens on an ephemeral loopback port and keeps all its files in a work directory the test
 * gives it; nothing here uses a fixed port or a system-wide path, because other programs on the same machine
 * (and parallel test runs) use the well-known ones. Every started process is an {@link AutoCloseable} that kills
 * the process and its descendants.
 */
package dev.ferry.interop.support;
