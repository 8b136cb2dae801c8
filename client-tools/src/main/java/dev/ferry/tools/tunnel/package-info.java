/**
 * {@code ferry tunnel}: a local UDP ({@link dev.ferry.tools.tunnel.UdpTunnelRelay}) or TCP
 * ({@link dev.ferry.tools.tunnel.TcpTunnelRelay}) port whose traffic goes through a relay over CONNECT-UDP or
 * CONNECT, built on the tunnel clients of {@code dev.ferry.http3.tunnel}. Any program, a QUIC client included, can
 * then use the relay without knowing HTTP/3.
 */
package dev.ferry.tools.tunnel;
