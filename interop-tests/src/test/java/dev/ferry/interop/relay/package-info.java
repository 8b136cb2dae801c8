/**
 * A real relay for integration tests: {@link dev.ferry.interop.relay.FerryRelay} starts Ferry on an ephemeral
 * loopback port in front of the origins a test names and captures its access log.
 */
package dev.ferry.interop.relay;
