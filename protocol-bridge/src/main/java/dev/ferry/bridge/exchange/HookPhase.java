package dev.ferry.bridge.exchange;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.ProxyHook;
import io.netty.channel.EventLoop;

import java.util.List;
import java.util.function.Function;

/**
 * Runs a deciding phase ({@code onRequest}, {@code onTunnel}) over the hooks in registration order: stops at the
 * first hook that answers locally, waits for a deferred decision and resumes on the exchange's event loop with the
 * next hook. Shared by plain exchanges and tunnels so both treat hooks the same way.
 */
final class HookPhase {
    private static final io.netty.util.internal.logging.InternalLogger LOG =
            io.netty.util.internal.logging.InternalLoggerFactory.getInstance(HookPhase.class);


    /** Where a phase ends. Every method is called on the exchange's event loop, at most once in all. */
    interface Outcome {
        void proceed();

        void respond(ResponseHead head, byte[] body);

        void fail(ProxyException error);

        /** True once the exchange ended some other way (the client went away): the phase stops silently. */
        boolean isCompleted();
    }

    private HookPhase() {
    }

    /** An outcome that goes on with {@code proceed}, and answers or fails through the exchange's own methods. */
    static Outcome outcome(Runnable proceed, java.util.function.BiConsumer<ResponseHead, byte[]> respond,
                           java.util.function.Consumer<ProxyException> fail,
                           java.util.function.BooleanSupplier completed) {
        return new Outcome() {
            @Override
            public void proceed() {
                proceed.run();
            }

            @Override
            public void respond(ResponseHead head, byte[] body) {
                respond.accept(head, body);
            }

            @Override
            public void fail(ProxyException error) {
                fail.accept(error);
            }

            @Override
            public boolean isCompleted() {
                return completed.getAsBoolean();
            }
        };
    }

    /**
     * @param deferTimeoutMillis how long a deferred decision may take (0: no limit); past it the exchange fails with
     *                           500 proxy_internal_error, since a hook that never answers is the relay's own fault,
     *                           and a late answer is ignored
     */
    static void run(List<ProxyHook> hooks, int from, EventLoop loop, Function<ProxyHook, HookDecision> phase,
                    Outcome outcome, long deferTimeoutMillis) {
        for (int i = from; i < hooks.size(); i++) {
            if (outcome.isCompleted()) {
                return;
            }
            HookDecision decision;
            try {
                decision = phase.apply(hooks.get(i));
            } catch (ProxyException e) {
                outcome.fail(e);
                return;
            } catch (RuntimeException e) {
                outcome.fail(hookFailure(e));
                return;
            }
            if (decision instanceof HookDecision.Respond respond) {
                outcome.respond(respond.head(), respond.body());
                return;
            }
            if (decision instanceof HookDecision.Defer defer) {
                int next = i + 1;
                ProxyHook waitingFor = hooks.get(i);
                boolean[] settled = new boolean[1];
                io.netty.util.concurrent.ScheduledFuture<?> deadline = deferTimeoutMillis <= 0 ? null
                        : loop.schedule(() -> {
                            if (!settled[0] && !outcome.isCompleted()) {
                                settled[0] = true;
                                outcome.fail(new ProxyException(ProxyErrorType.PROXY_INTERNAL_ERROR,
                                        ProxyException.Side.PROXY, true, "hook " + waitingFor.getClass().getName()
                                        + " did not decide within " + deferTimeoutMillis + " ms"));
                            }
                        }, deferTimeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
                defer.later().whenComplete((later, error) -> loop.execute(() -> {
                    if (settled[0] || outcome.isCompleted()) {
                        return;
                    }
                    settled[0] = true;
                    if (deadline != null) {
                        deadline.cancel(false);
                    }
                    Throwable cause = error instanceof java.util.concurrent.CompletionException
                            && error.getCause() != null ? error.getCause() : error;
                    if (cause != null) {
                        outcome.fail(cause instanceof ProxyException pe ? pe : hookFailure(cause));
                    } else if (later instanceof HookDecision.Respond respond) {
                        outcome.respond(respond.head(), respond.body());
                    } else {
                        run(hooks, next, loop, phase, outcome, deferTimeoutMillis);
                    }
                }));
                return;
            }
        }
        if (!outcome.isCompleted()) {
            outcome.proceed();
        }
    }

    /**
     * A hook left a message that breaks the field rules (a CR or LF in a value, say): 500 proxy_internal_error,
     * logged with the hook's class so that its author can find it.
     *
     * @param originSawRequest whether the request already reached an origin (response phases), for retry safety
     */
    static ProxyException invalidEdit(ProxyHook hook, String phase, String problem, boolean originSawRequest) {
        String detail = "hook " + hook.getClass().getName() + " left an invalid message in " + phase + ": " + problem;
        LOG.warn(detail);
        return new ProxyException(ProxyErrorType.PROXY_INTERNAL_ERROR, ProxyException.Side.PROXY, !originSawRequest,
                detail);
    }

    static ProxyException hookFailure(Throwable e) {
        return new ProxyException(ProxyErrorType.PROXY_INTERNAL_ERROR, ProxyException.Side.PROXY, true,
                "hook failed: " + e, e);
    }
}
