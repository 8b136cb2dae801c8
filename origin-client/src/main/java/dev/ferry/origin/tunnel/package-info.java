/**
 * The far side of tunnels: {@link dev.ferry.origin.tunnel.SocketTunnelConnector} resolves a target
 * ({@link dev.ferry.origin.tunnel.TunnelResolver}), applies the egress policy to the address it will dial, and
 * opens a TCP socket (CONNECT) or a connected UDP socket (CONNECT-UDP) on the tunnel's event loop.
 */
package dev.ferry.origin.tunnel;
