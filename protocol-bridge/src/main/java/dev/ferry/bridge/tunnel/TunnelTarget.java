package dev.ferry.bridge.tunnel;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Where a tunnel goes, as the client named it: a host (DNS name or IP literal, IPv6 without brackets) and a port,
 * over TCP (CONNECT, RFC 9114 4.4) or UDP (CONNECT-UDP, RFC 9298). Not yet resolved.
 *
 * @param sources the local addresses the tunnel's socket may leave from, one per address family at most used
 *                (the first of the resolved target's family); empty for the system's choice. A hook sets them
 *                (a privacy relay's egress pools) with {@link #withSources}.
 */
public record TunnelTarget(Kind kind, String host, int port, List<InetAddress> sources) {

    /** The transport a tunnel carries. */
    public enum Kind { TCP, UDP }

    public TunnelTarget {
        sources = List.copyOf(sources);
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " (expected: 1..65535)");
        }
    }

    /** A target the system picks the source address for. */
    public TunnelTarget(Kind kind, String host, int port) {
        this(kind, host, port, List.of());
    }

    /** This target, leaving from one of {@code sources}. */
    public TunnelTarget withSources(List<InetAddress> sources) {
        return new TunnelTarget(kind, host, port, sources);
    }

    /** The source to bind for a connection to {@code remote}: the first of its address family, or null. */
    public InetAddress sourceFor(InetAddress remote) {
        for (InetAddress source : sources) {
            if (source.getClass() == remote.getClass()) {
                return source;
            }
        }
        return null;
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
