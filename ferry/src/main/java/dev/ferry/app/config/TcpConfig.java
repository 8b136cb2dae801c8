package dev.ferry.app.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * The TCP side of a listener: HTTP/2 and HTTP/1.1 over TLS for clients that cannot reach QUIC, and the
 * {@code Alt-Svc} answer that moves the others to HTTP/3.
 *
 * @param enabled      {@code enabled}, default true
 * @param address      {@code address}, default null: the listener's own address (the same port, on TCP); when the
 *                     listener's port is 0, both sides get the same free port
 * @param altSvc       {@code alt-svc}, default true: responses on TCP carry {@code Alt-Svc: h3=":PORT"; ma=...}
 *                     naming the listener's QUIC port
 * @param altSvcMaxAge {@code alt-svc-max-age}, default 24h: how long clients may remember it ({@code ma})
 */
public record TcpConfig(boolean enabled, InetSocketAddress address, boolean altSvc, Duration altSvcMaxAge) {
    public TcpConfig {
        Objects.requireNonNull(altSvcMaxAge, "altSvcMaxAge");
    }

    public static TcpConfig defaults() {
        return new TcpConfig(true, null, true, Duration.ofHours(24));
    }

    public static TcpConfig disabled() {
        return new TcpConfig(false, null, true, Duration.ofHours(24));
    }

    /** The address to bind on TCP for a listener on {@code quic}. */
    public InetSocketAddress addressFor(InetSocketAddress quic) {
        return address != null ? address : quic;
    }
}
