package dev.ferry.app.metrics;

import dev.ferry.origin.HttpOriginConnector;
import dev.ferry.origin.PoolStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;

/**
 * Gauges of one origin's connections, read when scraped: each event loop counts its own pools on its own thread
 * ({@link HttpOriginConnector#poolStats()}), so the request path pays nothing. One count serves the three gauges
 * of a scrape.
 */
final class OriginPoolGauges {
    /** A scrape reads the three gauges one after another: within this, they share one count. */
    private static final long FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** A loop busy for longer than this leaves the gauges at their last value. */
    private static final long WAIT_MILLIS = 1000;

    /** The origin's connector now: a reload replaces it, and the gauges follow. */
    private volatile HttpOriginConnector connector;
    private PoolStats last = PoolStats.EMPTY;
    private long readAt = System.nanoTime() - 2 * FRESH_NANOS;

    private OriginPoolGauges(HttpOriginConnector connector) {
        this.connector = connector;
    }

    static OriginPoolGauges register(MeterRegistry registry, String origin, HttpOriginConnector connector) {
        OriginPoolGauges gauges = new OriginPoolGauges(connector);
        gauge(registry, "ferry.origin.connections", origin, "open", gauges, PoolStats::open);
        gauge(registry, "ferry.origin.connections", origin, "idle", gauges, PoolStats::idle);
        Gauge.builder("ferry.origin.waiting.requests", gauges, g -> g.read().waiting())
                .description("Requests waiting for a connection or a stream slot to the origin")
                .tag("origin", origin).strongReference(true).register(registry);
        return gauges;
    }

    /** Counts {@code next}'s connections from now on (the origin's connector after a reload). */
    synchronized void use(HttpOriginConnector next) {
        connector = next;
        readAt = System.nanoTime() - 2 * FRESH_NANOS;
    }

    private static void gauge(MeterRegistry registry, String name, String origin, String state,
                              OriginPoolGauges gauges, ToDoubleFunction<PoolStats> value) {
        Gauge.builder(name, gauges, g -> value.applyAsDouble(g.read()))
                .description("Connections to the origin, summed over the event loops, by state")
                .tags("origin", origin, "state", state).strongReference(true).register(registry);
    }

    private synchronized PoolStats read() {
        long now = System.nanoTime();
        if (now - readAt < FRESH_NANOS) {
            return last;
        }
        try {
            last = connector.poolStats().get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            readAt = now;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Keep the last count: a gauge cannot say "unknown".
        }
        return last;
    }
}
