package dev.ferry.http3.tunnel;

import dev.ferry.bridge.tunnel.ConnectUdpTemplate;

import java.util.Objects;

/**
 * How to ask the relay for a tunnel.
 *
 * @param token         bearer token sent as {@code Proxy-Authorization: Bearer <token>}, or null; relays require
 *                      credentials by default so that they are no open door
 * @param template      the relay's CONNECT-UDP URI template (RFC 9298 section 2); ignored for TCP
 * @param forceCapsules send UDP payloads as DATAGRAM capsules on the stream even when QUIC datagrams are available:
 *                      reliable and ordered, for networks or peers where QUIC datagrams get lost; ignored for TCP
 */
public record TunnelOptions(String token, ConnectUdpTemplate template, boolean forceCapsules) {

    public TunnelOptions {
        Objects.requireNonNull(template, "template");
        if (token != null && (token.isEmpty() || token.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f))) {
            throw new IllegalArgumentException("token must be non-empty visible ASCII without spaces");
        }
    }

    /** No token, the default template, QUIC datagrams when the relay offers them. */
    public static TunnelOptions defaults() {
        return new TunnelOptions(null, ConnectUdpTemplate.DEFAULT, false);
    }

    public TunnelOptions withToken(String token) {
        return new TunnelOptions(token, template, forceCapsules);
    }

    public TunnelOptions withTemplate(ConnectUdpTemplate template) {
        return new TunnelOptions(token, template, forceCapsules);
    }

    public TunnelOptions withForceCapsules(boolean forceCapsules) {
        return new TunnelOptions(token, template, forceCapsules);
    }
}
