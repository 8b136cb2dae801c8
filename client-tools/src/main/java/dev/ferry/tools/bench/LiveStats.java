package dev.ferry.tools.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters shared by every connection of a run. Event-loop threads record into them concurrently, so they are
 * lock-free on the write side: a {@link Recorder} for latencies (wait-free for writers, unlike a plain
 * {@code Histogram}) and {@link LongAdder}s for counts. Anything recorded before {@link #startMeasuring} is warm-up
 * and is thrown away there.
 */
final class LiveStats {
    /** Latencies are kept in microseconds up to an hour; longer values are clamped rather than lost. */
    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    private final Recorder latencies = new Recorder(MAX_MICROS, 3);
    private final LongAdder completed = new LongAdder();
    private final LongAdder bodyBytes = new LongAdder();
    private final LongAdder uploadedBytes = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    /** The end of the latest successful exchange; a run's rate is taken up to here, not up to a late timeout. */
    private final LongAccumulator lastSuccessNanos = new LongAccumulator(Math::max, Long.MIN_VALUE);
    private final java.util.concurrent.atomic.AtomicReference<String> firstError =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean measuring;
    private volatile long measureStartNanos;

    /** Drops the warm-up figures and starts counting; returns the start time. */
    long startMeasuring() {
        long now = System.nanoTime();
        latencies.reset();
        completed.reset();
        bodyBytes.reset();
        uploadedBytes.reset();
        errors.keySet().removeIf(kind -> !kind.equals("connect"));
        measureStartNanos = now;
        measuring = true;
        return now;
    }

    boolean measuring() {
        return measuring;
    }

    /**
     * Whether an exchange that started (or was meant to start) at {@code startNanos} belongs to the measurement:
     * exchanges begun during warm-up are not counted even if they end after it.
     */
    boolean counts(long startNanos) {
        return measuring && startNanos - measureStartNanos >= 0;
    }

    /** Response body bytes, counted when they arrive so that long downloads spanning the warm-up edge are fair. */
    void bodyBytes(int n) {
        if (measuring) {
            bodyBytes.add(n);
        }
    }

    void completed(long startNanos, long endNanos, long requestBodyBytes) {
        if (counts(startNanos)) {
            latencies.recordValue(Math.min(MAX_MICROS, Math.max(0, (endNanos - startNanos) / 1000)));
            completed.increment();
            uploadedBytes.add(requestBodyBytes);
            lastSuccessNanos.accumulate(endNanos);
        }
    }

    /** An error of the given kind: {@code status-503}, {@code reset}, {@code timeout}, {@code connect}, ... */
    void error(long startNanos, String kind) {
        if (counts(startNanos)) {
            errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }
    }

    /** Keeps the first unexpected failure, so that a run full of "other" errors says what they were. */
    void note(Throwable cause) {
        firstError.compareAndSet(null, String.valueOf(cause));
    }

    String firstError() {
        return firstError.get();
    }

    /** An error not tied to one exchange, such as a failed handshake; always counted. */
    void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** When the latest counted exchange ended, or {@code Long.MIN_VALUE} if none did. */
    long lastSuccessNanos() {
        return lastSuccessNanos.get();
    }

    long completed() {
        return completed.sum();
    }

    long bodyBytes() {
        return bodyBytes.sum();
    }

    long uploadedBytes() {
        return uploadedBytes.sum();
    }

    Map<String, Long> errors() {
        Map<String, Long> copy = new TreeMap<>();
        errors.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    Histogram histogram() {
        return latencies.getIntervalHistogram();
    }
}
