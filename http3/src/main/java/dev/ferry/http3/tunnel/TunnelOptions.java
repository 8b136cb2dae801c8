package dev.ferry.http3.tunnel;

import dev.ferry.bridge.headers.GeohashHint;
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
 * @param geohash       the client's coarse location sent as {@code Sec-CH-Geohash}, for an egress hop that picks its
 *                      source address by it; null sends none. Give it to the last relay only: no other hop needs it
 */
public record TunnelOptions(String token, ConnectUdpTemplate template, boolean forceCapsules, String geohash) {

    public TunnelOptions {
        Objects.requireNonNull(template, "template");
        if (token != null && (token.isEmpty() || token.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f))) {
            throw new IllegalArgumentException("token must be non-empty visible ASCII without spaces");
        }
        if (geohash != null && !GeohashHint.isGeohash(geohash)) {
            throw new IllegalArgumentException("geohash must be 1 to 12 characters of 0-9 and b-z without i, l, o;"
                    + " got " + geohash);
        }
    }

    /** No token, the default template, QUIC datagrams when the relay offers them. */
    public static TunnelOptions defaults() {
        return new TunnelOptions(null, ConnectUdpTemplate.DEFAULT, false, null);
    }

    public TunnelOptions withToken(String token) {
        return new TunnelOptions(token, template, forceCapsules, geohash);
    }

    public TunnelOptions withTemplate(ConnectUdpTemplate template) {
        return new TunnelOptions(token, template, forceCapsules, geohash);
    }

    public TunnelOptions withForceCapsules(boolean forceCapsules) {
        return new TunnelOptions(token, template, forceCapsules, geohash);
    }

    public TunnelOptions withGeohash(String geohash) {
        return new TunnelOptions(token, template, forceCapsules, geohash);
    }
}
