package dev.ferry.bridge.hook;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.exchange.ResponseHead;

/**
 * The one extension point of an exchange. Every phase is a no-op by default, so a hook overrides only what it
 * needs. Request phases run in registration order, response phases in reverse. All phases run on the exchange's
 * event loop and must not block: a hook that must wait returns {@link HookDecision#defer}.
 */
public interface ProxyHook {

    /**
     * The client request head arrived and is valid. May answer locally. Judge paths by
     * {@link RequestHead#normalizedPath()}, as routes do: the raw {@link RequestHead#path()} has spellings
     * ({@code /%61dmin}, {@code //admin}, {@code /a/../admin}) that an origin reads as another path.
     */
    default HookDecision onRequest(ExchangeContext ctx, RequestHead clientRequest) {
        return HookDecision.proceed();
    }

    /**
     * A tunnel request (CONNECT or CONNECT-UDP) passed {@code onRequest} and names this target, not yet resolved.
     * May refuse it by answering locally. The egress policy still applies after resolution.
     */
    default HookDecision onTunnel(ExchangeContext ctx, dev.ferry.bridge.tunnel.TunnelTarget target) {
        return HookDecision.proceed();
    }

    /**
     * Where an admitted tunnel goes: runs once every hook's {@code onTunnel} let it through, in chain order, each
     * hook given the previous one's choice. Return {@code target} to leave it, or another target of the same kind:
     * a next hop, one relay of several. The egress policy judges the chosen target after resolution, as it would
     * the client's.
     */
    default dev.ferry.bridge.tunnel.TunnelTarget selectTunnelTarget(ExchangeContext ctx,
                                                                    dev.ferry.bridge.tunnel.TunnelTarget target) {
        return target;
    }

    /** The request about to go to the origin; edit it in place. */
    default void onOriginRequest(ExchangeContext ctx, RequestHead.Builder originRequest) {
    }

    /**
     * A transform of the request body on its way to the origin, or null (the default) to leave it. Asked once the
     * origin request's head is final (after every {@code onOriginRequest}); transforms run in chain order.
     */
    default BodyTransform requestBody(ExchangeContext ctx, RequestHead originRequest) {
        return null;
    }

    /**
     * A transform of the response body on its way to the client, or null (the default) to leave it. Asked once
     * the client response's head is final (after every {@code onResponse}); transforms run in reverse chain
     * order, like the response phases. Not asked for local answers, which have no body stream.
     */
    default BodyTransform responseBody(ExchangeContext ctx, ResponseHead clientResponse) {
        return null;
    }

    /** The origin's response head, already translated to protocol-neutral form; edit it in place. */
    default void onOriginResponse(ExchangeContext ctx, ResponseHead.Builder originResponse) {
    }

    /** The head about to go to the client, locally generated answers and errors included; edit it in place. */
    default void onResponse(ExchangeContext ctx, ResponseHead.Builder clientResponse) {
    }

    /** The exchange ended, successfully or not. Called exactly once per exchange. */
    default void onComplete(ExchangeContext ctx, ExchangeOutcome outcome) {
    }
}
