package dev.ferry.bridge.builtin;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.headers.ForwardingPolicy;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ProxyHook;

import java.util.Objects;

/**
 * Writes (or removes) {@code Forwarded} / {@code X-Forwarded-For} on the origin request according to a
 * {@link ForwardingPolicy}: the client's address as this relay saw it, the scheme it used, and this relay's
 * pseudonym.
 */
public final class ForwardingHook implements ProxyHook {
    private final ForwardingPolicy policy;
    private final String pseudonym;

    private ForwardingHook(ForwardingPolicy policy, String pseudonym) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.pseudonym = Objects.requireNonNull(pseudonym, "pseudonym");
    }

    public static ForwardingHook create(ForwardingPolicy policy, String pseudonym) {
        return new ForwardingHook(policy, pseudonym);
    }

    @Override
    public void onOriginRequest(ExchangeContext ctx, RequestHead.Builder originRequest) {
        String proto = originRequest.scheme() == null ? "https" : originRequest.scheme();
        policy.apply(originRequest.headers(), ctx.clientAddress(), proto, pseudonym);
    }
}
