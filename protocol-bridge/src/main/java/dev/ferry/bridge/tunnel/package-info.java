/**
 * The tunnel model: CONNECT (TCP, RFC 9114 4.4) and CONNECT-UDP (RFC 9298). A {@link
 * dev.ferry.bridge.tunnel.TunnelTarget} is opened by a {@link dev.ferry.bridge.tunnel.TunnelConnector} after the
 * {@link dev.ferry.bridge.tunnel.EgressPolicy} accepts the resolved address; UDP payloads travel as HTTP Datagrams
 * ({@link dev.ferry.http3.HttpDatagram}) or DATAGRAM capsules ({@link dev.ferry.bridge.tunnel.CapsuleDecoder},
 * {@link dev.ferry.bridge.tunnel.CapsuleEncoder}, RFC 9297). The driver side is
 * {@code dev.ferry.bridge.exchange.TunnelExchange}; {@link dev.ferry.bridge.tunnel.TunnelCounters} count what passed.
 */
package dev.ferry.bridge.tunnel;
