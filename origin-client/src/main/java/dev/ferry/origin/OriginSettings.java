package dev.ferry.origin;

import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Everything the origin client needs to reach one origin.
 *
 * @param name                  the origin's name in logs and routing
 * @param protocol              how to speak to it
 * @param endpoints             addresses, used round-robin per event loop
 * @param sslContext            client TLS context (with ALPN h2 for {@link OriginProtocol#H2}), or null for cleartext
 * @param serverName            SNI and name to verify, or null to use the endpoint's host
 * @param verifyHostname        whether the certificate must match {@code serverName}
 * @param connectTimeoutMillis  TCP connect (and TLS handshake) limit
 * @param maxConnectionsPerLoop HTTP/1.1 connections per event loop and endpoint; further requests wait
 * @param maxIdlePerLoop        idle HTTP/1.1 connections kept per event loop and endpoint
 * @param idleTimeoutMillis     an idle pooled connection older than this is closed instead of reused
 * @param maxPendingPerLoop     HTTP/1.1 requests that may wait per event loop and endpoint once every connection is
 *                              busy; one more fails at once with {@code connection_limit_reached} (503)
 * @param caFile                for {@link OriginProtocol#H3}: PEM CAs to trust instead of the JDK's, or null (the
 *                              other protocols carry theirs in {@code sslContext}); {@code verifyHostname} false
 *                              turns verification off for H3 too
 * @param balancing             how requests spread over the endpoints, and their active health checks
 */
public record OriginSettings(String name, OriginProtocol protocol, List<InetSocketAddress> endpoints,
                             SslContext sslContext, String serverName, boolean verifyHostname,
                             long connectTimeoutMillis, int maxConnectionsPerLoop, int maxIdlePerLoop,
                             long idleTimeoutMillis, int maxPendingPerLoop, java.nio.file.Path caFile,
                             LoadBalancing balancing) {
    public OriginSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocol, "protocol");
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("origin " + name + ": no endpoints");
        }
        if (protocol == OriginProtocol.H2 && sslContext == null) {
            throw new IllegalArgumentException("origin " + name + ": h2 needs a TLS context");
        }
        java.util.Objects.requireNonNull(balancing, "balancing");
        if (balancing.weights().size() != endpoints.size()) {
            throw new IllegalArgumentException("origin " + name + ": " + balancing.weights().size() + " weights for "
                    + endpoints.size() + " endpoints");
        }
    }

    /** Round robin over equal endpoints, without active health checks. */
    public OriginSettings(String name, OriginProtocol protocol, List<InetSocketAddress> endpoints,
                          SslContext sslContext, String serverName, boolean verifyHostname,
                          long connectTimeoutMillis, int maxConnectionsPerLoop, int maxIdlePerLoop,
                          long idleTimeoutMillis, int maxPendingPerLoop, java.nio.file.Path caFile) {
        this(name, protocol, endpoints, sslContext, serverName, verifyHostname, connectTimeoutMillis,
                maxConnectionsPerLoop, maxIdlePerLoop, idleTimeoutMillis, maxPendingPerLoop, caFile,
                LoadBalancing.roundRobin(endpoints.size()));
    }

    /** Cleartext settings with default limits, for tests and the built-in origin. */
    public static OriginSettings cleartext(String name, OriginProtocol protocol, InetSocketAddress endpoint) {
        return new OriginSettings(name, protocol, List.of(endpoint), null, null, false, 5_000, 64, 16, 60_000, 4096,
                null);
    }
}
