/**
 * Client side of Ferry's tunnels: {@link dev.ferry.http3.tunnel.UdpTunnelClient} opens CONNECT-UDP (RFC 9298) and
 * {@link dev.ferry.http3.tunnel.TcpTunnelClient} opens classic CONNECT (RFC 9114 section 4.4) over an
 * {@link dev.ferry.http3.client.Http3Connection}. The local sockets that {@code ferry tunnel} offers on top of them
 * live in the client-tools module ({@code dev.ferry.tools.tunnel}).
 *
 * <p>It exists so that any UDP or TCP program (a QUIC client included) can go through a relay without knowing
 * HTTP/3, and so that the relay's tunnels are exercised by a client written against the RFCs rather than against the
 * relay's own code: the wire formats (Quarter Stream ID, capsules) are shared, but the negotiation and the choice
 * between QUIC datagrams and capsules are made here independently.
 */
package dev.ferry.http3.tunnel;
