package dev.ferry.bridge.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ExchangeOutcome;
import dev.ferry.bridge.hook.ProxyHook;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lifecycle requests and tunnels share: one-way states, one head, one end, one report, the idle watch. */
class ExchangeLifecycleTest {
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final FakeClientStream client = new FakeClientStream(loop.eventLoop());
    private final ExchangeContext ctx = new ExchangeContext(1, new InetSocketAddress("192.0.2.7", 1), "3",
            System.nanoTime());
    private final ExchangeLifecycle life = new ExchangeLifecycle(client, ctx, () -> { });
    private final List<ExchangeOutcome> outcomes = new ArrayList<>();
    private final List<ProxyHook> hooks = List.of(new ProxyHook() {
        @Override
        public void onComplete(ExchangeContext c, ExchangeOutcome outcome) {
            outcomes.add(outcome);
        }
    });

    @AfterEach
    void close() {
        loop.finishAndReleaseAll();
    }

    private ExchangeOutcome outcome() {
        return new ExchangeOutcome(null, life.status(), 0, 0, life.headNanos(), 0, null, null);
    }

    @Test
    void movesOneWayAndEndsOnce() {
        assertEquals(ExchangeLifecycle.State.DECIDING, life.state());
        life.opening();
        assertEquals(ExchangeLifecycle.State.OPENING, life.state());
        life.headSending(200);
        assertEquals(ExchangeLifecycle.State.STREAMING, life.state());
        assertTrue(life.headNanos() >= 0);
        AtomicInteger cleanups = new AtomicInteger();
        assertTrue(life.end(cleanups::incrementAndGet, hooks, this::outcome));
        assertFalse(life.end(cleanups::incrementAndGet, hooks, this::outcome), "the second end does nothing");
        life.opening();
        assertEquals(ExchangeLifecycle.State.ENDED, life.state(), "no way back");
        assertEquals(1, cleanups.get());
        assertEquals(1, outcomes.size());
        assertEquals(200, outcomes.get(0).status());
    }

    @Test
    void aFailureIsAnErrorAnswerBeforeTheHeadAndAResetAfter() {
        ProxyException denied = new ProxyException(ProxyErrorType.HTTP_REQUEST_DENIED, ProxyException.Side.CLIENT,
                true, "no");
        assertTrue(life.answerError(hooks, ExchangeDriver.Settings.defaults(), denied, false) > 0);
        assertEquals(403, client.head.status());
        assertEquals(403, life.status());

        FakeClientStream other = new FakeClientStream(loop.eventLoop());
        ExchangeLifecycle streaming = new ExchangeLifecycle(other, ctx, () -> { });
        streaming.headSending(200);
        assertEquals(0, streaming.answerError(hooks, ExchangeDriver.Settings.defaults(), denied, true));
        assertEquals(Boolean.TRUE, other.resetOriginSawRequest);
    }

    @Test
    void theIdleWatchFiresOnlyAfterAQuietLimitAndStopsAtTheEnd() {
        AtomicInteger idle = new AtomicInteger();
        life.watchIdle(1_000, idle::incrementAndGet);
        loop.advanceTimeBy(700, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        life.touch();
        loop.advanceTimeBy(700, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertEquals(0, idle.get(), "bytes 700 ms ago keep it alive");
        loop.advanceTimeBy(400, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertEquals(1, idle.get());

        ExchangeLifecycle ended = new ExchangeLifecycle(client, ctx, () -> { });
        AtomicInteger never = new AtomicInteger();
        ended.watchIdle(1_000, never::incrementAndGet);
        ended.end(() -> { }, hooks, this::outcome);
        loop.advanceTimeBy(2_000, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertEquals(0, never.get());
    }
}
