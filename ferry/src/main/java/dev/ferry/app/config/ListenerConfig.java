package dev.ferry.app.config;

import dev.ferry.bridge.net.HostPort;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One QUIC endpoint Ferry accepts HTTP/3 on.
 *
 * @param name    {@code name}, default {@code listener-<index>}: used in logs and metrics
 * @param address {@code address}, default {@code 127.0.0.1:8443}: UDP address to bind; port 0 picks an ephemeral
 *                port. Loopback by default so that a first run exposes nothing to the network
 * @param tls     {@code tls}, default: generate a self-signed certificate
 * @param quic    {@code quic}, default {@link QuicConfig#defaults()}
 * @param tcp     {@code tcp}, default {@link TcpConfig#defaults()}: HTTP/2 and HTTP/1.1 on the same port over TCP
 */
public record ListenerConfig(String name, InetSocketAddress address, TlsFilesConfig tls, QuicConfig quic,
                             TcpConfig tcp) {
    public static final String DEFAULT_NAME = "default";
    public static final int DEFAULT_PORT = 8443;

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(quic, "quic");
        Objects.requireNonNull(tcp, "tcp");
    }

    /** A listener with the default TCP side. */
    public ListenerConfig(String name, InetSocketAddress address, TlsFilesConfig tls, QuicConfig quic) {
        this(name, address, tls, quic, TcpConfig.defaults());
    }

    public ListenerConfig withAddress(InetSocketAddress newAddress) {
        return new ListenerConfig(name, newAddress, tls, quic, tcp);
    }

    public ListenerConfig withTcp(TcpConfig newTcp) {
        return new ListenerConfig(name, address, tls, quic, newTcp);
    }

    /** The address a listener binds when the file does not say: 127.0.0.1:8443. */
    public static InetSocketAddress defaultAddress() {
        return HostPort.parse("127.0.0.1:" + DEFAULT_PORT, false).toSocketAddress();
    }

    /** The listener used when the file has no {@code listeners}: "default" on 127.0.0.1:8443, generated cert. */
    public static ListenerConfig defaults() {
        return new ListenerConfig(DEFAULT_NAME, defaultAddress(), TlsFilesConfig.defaults(), QuicConfig.defaults());
    }
}
