package dev.ferry.bridge.tunnel;

import java.util.Objects;

/**
 * What tunnels a relay offers and how long an idle UDP tunnel lives.
 *
 * @param connect             classic CONNECT (TCP, RFC 9114 4.4) is served
 * @param connectUdp          CONNECT-UDP (RFC 9298) is served
 * @param template            the URI template CONNECT-UDP requests must match
 * @param udpIdleTimeoutMillis a UDP tunnel with no datagram either way for this long is closed (default 2 min)
 * @param connector           opens the target side
 * @param tcpIdleTimeoutMillis a TCP tunnel with no byte either way for this long is closed (default 5 min)
 */
public record TunnelSettings(boolean connect, boolean connectUdp, ConnectUdpTemplate template,
                             long udpIdleTimeoutMillis, TunnelConnector connector, long tcpIdleTimeoutMillis) {
    public static final long DEFAULT_UDP_IDLE_TIMEOUT_MILLIS = 120_000;
    public static final long DEFAULT_TCP_IDLE_TIMEOUT_MILLIS = 300_000;

    public TunnelSettings(boolean connect, boolean connectUdp, ConnectUdpTemplate template,
                          long udpIdleTimeoutMillis, TunnelConnector connector) {
        this(connect, connectUdp, template, udpIdleTimeoutMillis, connector, DEFAULT_TCP_IDLE_TIMEOUT_MILLIS);
    }

    public TunnelSettings {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(connector, "connector");
        if (udpIdleTimeoutMillis <= 0) {
            throw new IllegalArgumentException("udpIdleTimeoutMillis: " + udpIdleTimeoutMillis + " (expected: > 0)");
        }
        if (tcpIdleTimeoutMillis <= 0) {
            throw new IllegalArgumentException("tcpIdleTimeoutMillis: " + tcpIdleTimeoutMillis + " (expected: > 0)");
        }
    }
}
