/**
 * Client side of Ferry's tunnels: {@link dev.ferry.app.tunnel.UdpTunnelClient} opens CONNECT-UDP (RFC 9298) and
 * {@link dev.ferry.app.tunnel.TcpTunnelClient} opens classic CONNECT (RFC 9114 section 4.4) over an
 * {@link dev.ferry.app.client.Http3Connection}; {@link dev.ferry.app.tunnel.UdpTunnelRelay} and
 * {@link dev.ferry.app.tunnel.TcpTunnelRelay} expose them as local sockets, which is what {@code ferry tunnel} runs.
 *
 * <p>It exists so that any UDP or TCP program (a QUIC client included) can go through a relay without knowing
 * HTTP/3, and so that the relay's tunnels are exercised by a client written against the RFCs rather than against the
 * relay's own code: the wire formats (Quarter Stream ID, capsules) come from {@code dev.ferry.bridge.tunnel}, but
 * the negotiation and the choice between QUIC datagrams and capsules are made here independently.
 */
package dev.ferry.app.tunnel;
