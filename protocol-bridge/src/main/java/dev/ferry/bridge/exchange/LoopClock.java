package dev.ferry.bridge.exchange;

import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.EventExecutor;

/**
 * The clock an event loop schedules by. Timers that re-arm themselves from "time since the last activity" must read
 * the same clock as the scheduler that runs them, or they drift apart from it (and cannot be driven by a test's
 * mock ticker at all).
 */
final class LoopClock {
    private LoopClock() {
    }

    static long nanoTime(EventExecutor loop) {
        return loop instanceof AbstractScheduledEventExecutor scheduled ? scheduled.ticker().nanoTime()
                : System.nanoTime();
    }
}
