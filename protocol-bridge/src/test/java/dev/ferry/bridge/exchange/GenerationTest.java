package dev.ferry.bridge.exchange;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A replaced configuration reports drained only once the exchanges that started on it have all ended. */
class GenerationTest {
    private static Generation generation() {
        return new Generation(List.of(), (ctx, request) -> null, ExchangeDriver.Settings.defaults(), null);
    }

    @Test
    void drainsAtOnceWithNothingRunning() {
        assertTrue(generation().retire().isDone());
    }

    @Test
    void drainsWhenTheLastRunningExchangeEnds() {
        Generation g = generation();
        g.enter();
        g.enter();
        CompletableFuture<Void> drained = g.retire();
        assertFalse(drained.isDone(), "two exchanges still run");
        g.exit();
        assertFalse(drained.isDone(), "one exchange still runs");
        g.exit();
        assertTrue(drained.isDone());
    }

    @Test
    void aGenerationThatEmptiedBeforeItWasReplacedDoesNotDrainEarlyOrLate() {
        Generation g = generation();
        g.enter();
        g.exit();
        g.enter();
        CompletableFuture<Void> drained = g.retire();
        assertFalse(drained.isDone());
        g.exit();
        assertTrue(drained.isDone());
    }
}
