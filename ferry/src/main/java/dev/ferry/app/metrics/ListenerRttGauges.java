package dev.ferry.app.metrics;

import dev.ferry.ingress.Http3Listener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Round-trip times of a listener's open QUIC connections, read when scraped: quiche keeps a smoothed RTT per path,
 * and Netty's figures at a connection's close hold none, so the gauges sample the open connections (at most
 * {@value #MAX_SAMPLED}) on their own event loops and report quantiles over them. Nothing is recorded on the
 * request path.
 *
 * <p>The gauges hold this object strongly: Micrometer keeps only a weak reference by default, and nothing else
 * refers to it, so it would be collected and the gauges would read NaN.
 */
final class ListenerRttGauges {
    /** Enough for stable quantiles; bounds the work of one scrape on a relay with many connections. */
    static final int MAX_SAMPLED = 1000;
    private static final double[] QUANTILES = {0.5, 0.9, 0.99};
    private static final long FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final Duration WAIT = Duration.ofSeconds(1);

    private final Http3Listener listener;
    private long[] sorted = new long[0];
    private long readAt = System.nanoTime() - 2 * FRESH_NANOS;

    private ListenerRttGauges(Http3Listener listener) {
        this.listener = listener;
    }

    /** Registers the gauges and returns them. */
    static List<Meter> register(MeterRegistry registry, String name, Http3Listener listener) {
        ListenerRttGauges gauges = new ListenerRttGauges(listener);
        List<Meter> meters = new ArrayList<>();
        for (double q : QUANTILES) {
            meters.add(Gauge.builder("ferry.quic.rtt.seconds", gauges, g -> g.quantile(q))
                    .description("Smoothed round-trip time of the listener's open QUIC connections, by quantile "
                            + "over the connections (NaN with none open)")
                    .tags("listener", name, "quantile", Double.toString(q)).strongReference(true).register(registry));
        }
        meters.add(Gauge.builder("ferry.quic.rtt.sampled.connections", gauges, g -> g.read().length)
                .description("Open QUIC connections the RTT quantiles were taken over")
                .tag("listener", name).strongReference(true).register(registry));
        return meters;
    }

    /** The {@code q} quantile in seconds (nearest rank), NaN without connections. */
    private double quantile(double q) {
        long[] rtts = read();
        if (rtts.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * rtts.length) - 1;
        return rtts[Math.max(0, Math.min(rtts.length - 1, rank))] / 1e9;
    }

    private synchronized long[] read() {
        long now = System.nanoTime();
        if (now - readAt < FRESH_NANOS) {
            return sorted;
        }
        try {
            long[] fresh = listener.sampleRtts(MAX_SAMPLED, WAIT).get(2 * WAIT.toMillis(), TimeUnit.MILLISECONDS);
            Arrays.sort(fresh);
            sorted = fresh;
            readAt = now;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Keep the last sample: a gauge cannot say "unknown".
        }
        return sorted;
    }
}
