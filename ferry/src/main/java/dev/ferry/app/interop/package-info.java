/**
 * Ferry as an endpoint of the QUIC interop runner: {@link dev.ferry.app.interop.InteropCase} is the table of the
 * runner's test cases and what Ferry does in each, {@link dev.ferry.app.interop.InteropEnvironment} what the
 * runner hands an endpoint, {@link dev.ferry.app.interop.InteropServerConfig} the relay configuration of the
 * server role: {@code /www} served by a {@code files} origin through the exchange driver, and {@link
 * dev.ferry.app.interop.InteropClient} the client role: {@code REQUESTS} ({@link
 * dev.ferry.app.interop.InteropRequests}) fetched into {@code /downloads} over the connections the case asks for,
 * with the clients of {@code dev.ferry.tools.interop}.
 */
package dev.ferry.app.interop;
