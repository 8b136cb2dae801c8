package dev.ferry.app.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Requests the relay sends through its own request path before it binds its listeners, so that the JIT compiler has
 * compiled that path before the first client arrives. A JVM starts slow: without it, the first thousands of requests
 * run interpreted or in C1 code while the compiler competes with them for the cores.
 *
 * @param requests {@code requests}, default 0 (off): how many requests to send; about 20,000 brings the request path
 *                 to its steady-state cost on the machines measured in {@code docs/performance.md}
 * @param timeout  {@code timeout}, default 60s: the longest the warm-up may delay the start; it stops there, and the
 *                 relay starts anyway
 */
public record WarmUpConfig(int requests, Duration timeout) {
    public static final int MAX_REQUESTS = 1_000_000;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public WarmUpConfig {
        Checks.range(requests, 0, MAX_REQUESTS, "requests");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public static WarmUpConfig off() {
        return new WarmUpConfig(0, DEFAULT_TIMEOUT);
    }

    public boolean enabled() {
        return requests > 0;
    }
}
