package dev.ferry.app.config;

import dev.ferry.origin.LoadBalancing;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A named upstream that routes send requests to: a protocol and one or more endpoints serving the same content,
 * or, for {@code protocol: files}, a directory served by the relay itself.
 *
 * @param name      the key under {@code origins}; used in routes, logs and metrics
 * @param protocol  {@code protocol}, default h1
 * @param endpoints {@code endpoints}, required but for {@code files}, at least one {@code host:port}; host names are
 *                  resolved when connecting, not when the file is read
 * @param tls       {@code tls}, default {@link OriginTlsConfig#defaults()}
 * @param timeouts  {@code timeouts}, default {@link TimeoutsConfig#defaults()}
 * @param pool      {@code pool}, default {@link PoolConfig#defaults()}
 * @param root      {@code root}, for {@code files} only and required there: the directory served
 * @param balancing {@code load-balancing} and {@code health-check}, default round robin over equal endpoints with
 *                  passive health only
 */
public record OriginConfig(String name, OriginProtocol protocol, List<InetSocketAddress> endpoints,
                           OriginTlsConfig tls, TimeoutsConfig timeouts, PoolConfig pool, Path root,
                           LoadBalancing balancing) {
    public OriginConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocol, "protocol");
        endpoints = List.copyOf(endpoints);
        if (protocol == OriginProtocol.FILES) {
            Objects.requireNonNull(root, "root");
        } else if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("origin " + name + " needs at least one endpoint");
        } else if (root != null) {
            throw new IllegalArgumentException("origin " + name + ": root is for protocol files only");
        }
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(pool, "pool");
        if (protocol == OriginProtocol.H2C && tls.enabled()) {
            throw new IllegalArgumentException("origin " + name + ": h2c never uses TLS");
        }
        if (balancing == null) {
            balancing = LoadBalancing.roundRobin(endpoints.size());
        }
        if (balancing.weights().size() != endpoints.size()) {
            throw new IllegalArgumentException("origin " + name + ": one weight per endpoint");
        }
    }

    /** With the default balancing. */
    public OriginConfig(String name, OriginProtocol protocol, List<InetSocketAddress> endpoints,
                        OriginTlsConfig tls, TimeoutsConfig timeouts, PoolConfig pool, Path root) {
        this(name, protocol, endpoints, tls, timeouts, pool, root, null);
    }

    /** A network origin (any protocol but {@code files}) with the default balancing. */
    public OriginConfig(String name, OriginProtocol protocol, List<InetSocketAddress> endpoints,
                        OriginTlsConfig tls, TimeoutsConfig timeouts, PoolConfig pool) {
        this(name, protocol, endpoints, tls, timeouts, pool, null, null);
    }

    /** This origin with {@code balancing} instead of its own. */
    public OriginConfig withBalancing(LoadBalancing balancing) {
        return new OriginConfig(name, protocol, endpoints, tls, timeouts, pool, root, balancing);
    }

    /** An h1 origin with every other setting at its default. */
    public static OriginConfig of(String name, InetSocketAddress... endpoints) {
        return new OriginConfig(name, OriginProtocol.H1, List.of(endpoints), OriginTlsConfig.defaults(),
                TimeoutsConfig.defaults(), PoolConfig.defaults());
    }

    /** A {@code files} origin serving {@code root}. */
    public static OriginConfig files(String name, Path root) {
        return new OriginConfig(name, OriginProtocol.FILES, List.of(), OriginTlsConfig.defaults(),
                TimeoutsConfig.defaults(), PoolConfig.defaults(), root);
    }

    /** Whether connections to this origin use TLS: always for h2, for h1 when enabled, never for h2c. */
    public boolean usesTls() {
        return switch (protocol) {
            case H2, H3 -> true;
            case H1 -> tls.enabled();
            case H2C, FILES -> false;
        };
    }
}
