package dev.ferry.bridge.hook;

import dev.ferry.bridge.exchange.ResponseHead;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What a hook's {@code onRequest} phase decided: go on to the origin, answer locally, or answer later.
 * Sealed so that the driver handles every case.
 */
public sealed interface HookDecision permits HookDecision.Proceed, HookDecision.Respond, HookDecision.Defer {

    /** Go on with the next hook and then the origin. */
    static HookDecision proceed() {
        return Proceed.INSTANCE;
    }

    /** Answer the client with this head and body; the origin is never contacted. */
    static HookDecision respond(ResponseHead head, byte[] body) {
        return new Respond(head, body == null ? new byte[0] : body);
    }

    /** Decide later; the stage completes on any thread, the driver resumes on the exchange's event loop. */
    static HookDecision defer(CompletionStage<HookDecision> later) {
        return new Defer(later);
    }

    /** See {@link #proceed()}. */
    final class Proceed implements HookDecision {
        static final Proceed INSTANCE = new Proceed();

        private Proceed() {
        }
    }

    /** See {@link #respond(ResponseHead, byte[])}. */
    record Respond(ResponseHead head, byte[] body) implements HookDecision {
        public Respond {
            Objects.requireNonNull(head, "head");
        }
    }

    /** See {@link #defer(CompletionStage)}. */
    record Defer(CompletionStage<HookDecision> later) implements HookDecision {
        public Defer {
            Objects.requireNonNull(later, "later");
        }
    }
}
