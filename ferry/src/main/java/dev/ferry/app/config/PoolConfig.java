package dev.ferry.app.config;

import java.time.Duration;

/**
 * Connection pooling towards one origin. Pools are per event loop (an exchange and its origin connection share a
 * loop, so no locks), which is why the limits are per loop: multiply by {@code event-loops} for the total.
 *
 * @param maxConnectionsPerLoop {@code max-connections-per-loop}, default 64: open connections at most; beyond it
 *                              requests wait (h1) or share a connection (h2)
 * @param maxIdlePerLoop        {@code max-idle-per-loop}, default 64 (all): idle connections kept for reuse; at
 *                              most {@code max-connections-per-loop}. Fewer than a burst's peak would close the
 *                              rest after every burst and reopen them for the next; idle ones end after
 *                              {@code idle-timeout} anyway
 * @param idleTimeout           {@code idle-timeout}, default 60s: an idle pooled connection is closed after this
 * @param maxPendingPerLoop     {@code max-pending-per-loop}, default 4096: h1 requests that may wait for a connection
 *                              once all {@code max-connections-per-loop} are busy; one more is answered 503
 *                              {@code connection_limit_reached} at once instead of queueing without bound
 */
public record PoolConfig(int maxConnectionsPerLoop, int maxIdlePerLoop, Duration idleTimeout, int maxPendingPerLoop) {
    public static final int DEFAULT_MAX_PENDING = 4096;

    public PoolConfig {
        Checks.range(maxConnectionsPerLoop, 1, Integer.MAX_VALUE, "maxConnectionsPerLoop");
        Checks.range(maxIdlePerLoop, 0, maxConnectionsPerLoop, "maxIdlePerLoop");
        Checks.positive(idleTimeout, "idleTimeout");
        Checks.range(maxPendingPerLoop, 0, Integer.MAX_VALUE, "maxPendingPerLoop");
    }

    public PoolConfig(int maxConnectionsPerLoop, int maxIdlePerLoop, Duration idleTimeout) {
        this(maxConnectionsPerLoop, maxIdlePerLoop, idleTimeout, DEFAULT_MAX_PENDING);
    }

    public static PoolConfig defaults() {
        return new PoolConfig(64, 64, Duration.ofSeconds(60));
    }
}
