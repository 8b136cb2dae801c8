/**
 * Wiring: {@link dev.ferry.app.server.FerryServer} builds a running relay from a configuration: listeners from
 * quic-ingress, connectors from origin-client, routing ({@link dev.ferry.app.server.RouteTable}) and hooks from
 * protocol-bridge. No protocol logic lives here.
 */
package dev.ferry.app.server;
