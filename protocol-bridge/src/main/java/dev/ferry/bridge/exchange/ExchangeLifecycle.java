package dev.ferry.bridge.exchange;

import dev.ferry.bridge.error.ErrorResponses;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ExchangeOutcome;
import dev.ferry.bridge.hook.ProxyHook;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What every exchange goes through, a plain request ({@link Exchange}) or a tunnel ({@link TunnelExchange}), kept
 * in one place so that both end the same way. Its state moves one way only:
 *
 * <pre>
 *   DECIDING --(hooks let it through)--> OPENING --(head sent)--> STREAMING --> ENDED
 *       \______________________\__________(answered, failed, aborted)_______/
 * </pre>
 *
 * <ul>
 *   <li>a head leaves at most once ({@link #headSending}), and it is timed from the exchange's start;</li>
 *   <li>a failure is an error answer while no head has left, a reset after ({@link #answerError});</li>
 *   <li>an idle watch fires when no byte moved either way for its limit ({@link #watchIdle});</li>
 *   <li>the end happens once: timers stop, the exchange's own cleanup runs, and every hook's {@code onComplete}
 *   hears of it, in reverse order ({@link #end}).</li>
 * </ul>
 * All on the exchange's event loop.
 */
final class ExchangeLifecycle {

    /** Where an exchange is. */
    enum State {
        /** The deciding hook phases run; nothing has been opened. */
        DECIDING,
        /** An origin or a tunnel target is being opened or written to; no head has left. */
        OPENING,
        /** A head has left: bodies (or tunnel bytes) flow. */
        STREAMING,
        /** Over: answered, failed, aborted or finished; nothing more happens. */
        ENDED
    }

    private final ClientStream client;
    private final ExchangeContext ctx;
    private State state = State.DECIDING;
    private boolean headSent;
    private int status;
    private long headNanos = -1;
    private long lastActivityNanos;
    private ScheduledFuture<?> idleTimer;

    /** Runs once, after the hooks heard of the end: the exchange no longer holds its configuration. */
    private final Runnable onEnd;

    ExchangeLifecycle(ClientStream client, ExchangeContext ctx, Runnable onEnd) {
        this.client = client;
        this.ctx = ctx;
        this.onEnd = onEnd;
    }

    State state() {
        return state;
    }

    boolean isEnded() {
        return state == State.ENDED;
    }

    boolean headSent() {
        return headSent;
    }

    /** The hooks let the exchange through: an origin or target is being opened. */
    void opening() {
        if (state == State.DECIDING) {
            state = State.OPENING;
        }
    }

    /** A head with {@code status} is leaving now. */
    void headSending(int status) {
        this.status = status;
        headSent = true;
        headNanos = System.nanoTime() - ctx.startNanos();
        if (state != State.ENDED) {
            state = State.STREAMING;
        }
    }

    /** A head meant to leave did not (a hook spoiled it): the exchange may still answer with an error. */
    void headNotSent() {
        headSent = false;
        headNanos = -1;
        if (state == State.STREAMING) {
            state = State.OPENING;
        }
    }

    /** Corrects the status of the head that left (a local answer's, once its hooks have run). */
    void status(int status) {
        this.status = status;
    }

    int status() {
        return status;
    }

    long headNanos() {
        return headNanos;
    }

    /** Bytes moved: the idle watch starts over. */
    void touch() {
        lastActivityNanos = LoopClock.nanoTime(client.eventLoop());
    }

    /**
     * Calls {@code onIdle} once no byte has moved either way for {@code limitMillis} (0: never), checking again at
     * the latest moment it could be due rather than on every byte.
     */
    void watchIdle(long limitMillis, Runnable onIdle) {
        if (limitMillis <= 0) {
            return;
        }
        touch();
        idleTimer = client.eventLoop().schedule(() -> checkIdle(limitMillis, onIdle), limitMillis,
                TimeUnit.MILLISECONDS);
    }

    private void checkIdle(long limitMillis, Runnable onIdle) {
        if (isEnded()) {
            return;
        }
        long quiet = TimeUnit.NANOSECONDS.toMillis(LoopClock.nanoTime(client.eventLoop()) - lastActivityNanos);
        if (quiet >= limitMillis) {
            onIdle.run();
        } else {
            idleTimer = client.eventLoop().schedule(() -> checkIdle(limitMillis, onIdle), limitMillis - quiet,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The client hears of {@code error}: its status, Proxy-Status and a short body while no head has left, a reset
     * of the stream after.
     *
     * @return the error body's length when an answer was sent, else 0
     */
    int answerError(List<ProxyHook> hooks, ExchangeDriver.Settings settings, ProxyException error,
                    boolean originSawRequest) {
        if (headSent()) {
            client.reset(originSawRequest);
            return 0;
        }
        headSending(0);
        status = LocalAnswer.sendError(client, hooks, ctx, settings, error);
        return ErrorResponses.body(error).length;
    }

    /**
     * Ends the exchange, once: stops the idle watch, runs {@code cleanup} (the exchange's own timers and
     * resources), then tells every hook. Later calls do nothing.
     *
     * @return false when the exchange had already ended
     */
    boolean end(Runnable cleanup, List<ProxyHook> hooks, java.util.function.Supplier<ExchangeOutcome> outcome) {
        if (state == State.ENDED) {
            return false;
        }
        state = State.ENDED;
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        try {
            cleanup.run();
            notifyComplete(hooks, ctx, outcome.get());
        } finally {
            onEnd.run();
        }
        return true;
    }

    /** Every hook's {@code onComplete}, in reverse order; one that throws does not keep the others from hearing. */
    static void notifyComplete(List<ProxyHook> hooks, ExchangeContext ctx, ExchangeOutcome outcome) {
        for (int i = hooks.size() - 1; i >= 0; i--) {
            try {
                hooks.get(i).onComplete(ctx, outcome);
            } catch (RuntimeException ignored) {
                // onComplete is a report; one failing hook must not keep the others from hearing it.
            }
        }
    }
}
