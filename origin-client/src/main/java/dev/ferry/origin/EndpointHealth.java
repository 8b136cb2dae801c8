package dev.ferry.origin;

/**
 * Passive health of one endpoint as one event loop sees it: connect failures eject it, time brings it back.
 *
 * <p>{@value #FAILURES_TO_EJECT} connect failures in a row (TCP refused or timed out, TLS failed) eject the endpoint
 * for {@value #BASE_EJECTION_MILLIS} ms; each further ejection without a success in between doubles that, up to
 * {@value #MAX_EJECTION_MILLIS} ms. When the time is up the endpoint takes requests again; its first success clears
 * its record, a failure ejects it at once for the next, longer period. Only connect failures count: an origin that
 * answers badly is reachable, and taking it out would not help its clients.
 *
 * <p>Touched only on its event loop, like everything else of one loop's origin state.
 */
final class EndpointHealth {
    static final int FAILURES_TO_EJECT = 3;
    static final long BASE_EJECTION_MILLIS = 1_000;
    static final long MAX_EJECTION_MILLIS = 30_000;

    private int consecutiveFailures;
    private int ejectionsInARow;
    private long ejectedUntilNanos;
    private long ejections;

    /** True while the endpoint is ejected at {@code now}. */
    boolean ejected(long nowNanos) {
        return ejectionsInARow > 0 && nowNanos - ejectedUntilNanos < 0;
    }

    /** When the current ejection ends (only meaningful while {@link #ejected}). */
    long ejectedUntilNanos() {
        return ejectedUntilNanos;
    }

    void succeeded() {
        consecutiveFailures = 0;
        ejectionsInARow = 0;
    }

    void failed(long nowNanos) {
        consecutiveFailures++;
        // Back from an ejection and failing again: out again at once, for longer.
        if (consecutiveFailures >= FAILURES_TO_EJECT || ejectionsInARow > 0) {
            long millis = Math.min(MAX_EJECTION_MILLIS, BASE_EJECTION_MILLIS << Math.min(ejectionsInARow, 20));
            ejectionsInARow++;
            ejections++;
            ejectedUntilNanos = nowNanos + millis * 1_000_000L;
            consecutiveFailures = 0;
        }
    }

    /** How many times this endpoint was ejected on this loop. */
    long ejections() {
        return ejections;
    }
}
