package dev.ferry.bridge.tunnel;

import java.util.Objects;

/**
 * Where a tunnel goes, as the client named it: a host (DNS name or IP literal, IPv6 without brackets) and a port,
 * over TCP (CONNECT, RFC 9114 4.4) or UDP (CONNECT-UDP, RFC 9298). Not yet resolved.
 */
public record TunnelTarget(Kind kind, String host, int port) {

    /** The transport a tunnel carries. */
    public enum Kind { TCP, UDP }

    public TunnelTarget {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " (expected: 1..65535)");
        }
    }

    /** host:port, with brackets around IPv6 literals. */
    public String authority() {
        return host.indexOf(':') >= 0 ? '[' + host + "]:" + port : host + ':' + port;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + "://" + authority();
    }
}
