/**
 * Tunnel tests with an independent client (kwik/flupke driven by hand through {@code KwikTunnelClient}):
 * CONNECT-UDP with QUIC datagrams and capsules, CONNECT to nginx, the egress policy and proxy authentication.
 */
package dev.ferry.interop.tunnel;
