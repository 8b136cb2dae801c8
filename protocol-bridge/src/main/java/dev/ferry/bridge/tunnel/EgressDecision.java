package dev.ferry.bridge.tunnel;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;

import java.util.Objects;

/**
 * What {@link EgressPolicy#check} decided for one resolved target: allowed, or denied with a reason. Sealed so that
 * the tunnel code handles both cases.
 */
public sealed interface EgressDecision permits EgressDecision.Allowed, EgressDecision.Denied {

    static EgressDecision allowed() {
        return Allowed.INSTANCE;
    }

    /** A denial reported as {@code destination_ip_prohibited}, the one RFC 9209 type for a refused target. */
    static EgressDecision denied(String rule, String reason) {
        return new Denied(ProxyErrorType.DESTINATION_IP_PROHIBITED, rule, reason);
    }

    boolean isAllowed();

    /** The target may be contacted. */
    final class Allowed implements EgressDecision {
        static final Allowed INSTANCE = new Allowed();

        private Allowed() {
        }

        @Override
        public boolean isAllowed() {
            return true;
        }

        @Override
        public String toString() {
            return "Allowed";
        }
    }

    /**
     * The target must not be contacted; nothing may be sent to it.
     *
     * @param type   the RFC 9209 error type for {@code Proxy-Status}; always {@code destination_ip_prohibited}, for
     *               port denials too, since RFC 9209 has no type for a refused port
     * @param rule   a short stable label for counters and logs: the class name ("loopback", "private", ...),
     *               "configured" for an explicit deny, or "port"
     * @param reason a sentence naming the address or port and the rule, e.g.
     *               "127.0.0.1 is loopback (127.0.0.0/8, RFC 1122)"; the client chose the target, so telling it
     *               back reveals nothing about this relay's next hops
     */
    record Denied(ProxyErrorType type, String rule, String reason) implements EgressDecision {
        public Denied {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public boolean isAllowed() {
            return false;
        }

        /**
         * This denial as the exchange path's exception: the client asked for it, and retrying cannot change a
         * policy answer, so it is not marked retry-safe.
         */
        public ProxyException toException() {
            return new ProxyException(type, ProxyException.Side.CLIENT, false, reason);
        }
    }
}
