/**
 * Tunnel tests with an independent client (kwik/flupke driven by hand through {@code KwikTunnelClient}):
 * CONNECT-UDP with QUIC datagrams and capsules, CONNECT to nginx, the egress policy and proxy authentication.
 * The MASQUE matrix ({@code MasqueMatrixIT}) runs the tunnel cases no public interop runner has, for Ferry's
 * {@code ferry tunnel} and for kwik, each exposing its tunnel as a local port ({@code MasqueClient}).
 */
package dev.ferry.interop.tunnel;
