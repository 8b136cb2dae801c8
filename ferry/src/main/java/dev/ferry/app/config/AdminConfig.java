package dev.ferry.app.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The admin endpoint: an HTTP/1.1 listener (plain TCP) for operators and their tools, serving {@code /metrics},
 * {@code /healthz}, {@code /readyz}, {@code /config} and {@code /connections}.
 *
 * @param enabled       on when the file has an {@code admin} section; off by default
 * @param address       {@code address}, default {@code 127.0.0.1:9901}: loopback, since the endpoint has no
 *                      authentication of its own; expose it only to a network of operators
 * @param showAddresses {@code show-addresses}, default false: whether {@code /connections} may list client
 *                      addresses (off: counts only)
 */
public record AdminConfig(boolean enabled, InetSocketAddress address, boolean showAddresses) {
    public static final int DEFAULT_PORT = 9901;

    public AdminConfig {
        Objects.requireNonNull(address, "address");
    }

    public static InetSocketAddress defaultAddress() {
        return new InetSocketAddress("127.0.0.1", DEFAULT_PORT);
    }

    public static AdminConfig disabled() {
        return new AdminConfig(false, defaultAddress(), false);
    }
}
