package dev.ferry.tools.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When exchanges may start and how many are still running, shared by all connections. With {@code --requests} the
 * measured phase hands out a fixed budget; with {@code --duration} the main thread calls {@link #stop()} when time is
 * up. Either way the run ends once nothing is in flight, so that every counted request was allowed to finish.
 */
final class RunControl {
    private final LiveStats stats;
    private final AtomicLong budget;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopped;

    RunControl(LiveStats stats, long requests) {
        this.stats = stats;
        this.budget = requests > 0 ? new AtomicLong(requests) : null;
    }

    /** Takes the right to start one exchange; false once the run is stopped or the budget is spent. */
    boolean tryStart() {
        if (stopped) {
            return false;
        }
        if (budget != null && stats.measuring() && budget.getAndDecrement() <= 0) {
            stopped = true;
            return false;
        }
        inFlight.incrementAndGet();
        return true;
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    void stop() {
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }

    int inFlight() {
        return inFlight.get();
    }
}
