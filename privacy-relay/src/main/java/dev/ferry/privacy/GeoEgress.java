package dev.ferry.privacy;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.exchange.ResponseHead;
import dev.ferry.bridge.headers.GeohashHint;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.TunnelTarget;
import java.util.List;

/**
 * An egress hop's choice of source address: the client's {@code Sec-CH-Geohash} hint picks the pool whose prefix
 * matches it longest (the default pool when none does, or when there is no hint); the tunnel's socket then leaves
 * from that pool's address of the target's family. A malformed hint is ignored, and the answer says so in
 * {@code Proxy-Status} ({@code details="invalid geohash"}). The hint goes no further than this hop: it is removed
 * from anything forwarded.
 */
public final class GeoEgress implements ProxyHook {
    private static final ExchangeContext.AttributeKey<EgressPool> POOL =
            ExchangeContext.AttributeKey.of("ferry.privacy.egress-pool");
    private static final ExchangeContext.AttributeKey<Boolean> INVALID_HINT =
            ExchangeContext.AttributeKey.of("ferry.privacy.invalid-geohash");
    private final List<EgressPool> pools;
    private final String proxyName;

    /** @param proxyName this relay's name in Proxy-Status */
    public GeoEgress(List<EgressPool> pools, String proxyName) {
        if (pools.isEmpty()) {
            throw new IllegalArgumentException("at least one egress pool is needed");
        }
        this.pools = List.copyOf(pools);
        this.proxyName = proxyName;
    }

    @Override
    public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
        List<String> hints = request.headers().getAll(GeohashHint.FIELD);
        String geohash = hints.size() == 1 ? GeohashHint.parse(hints.get(0)) : null;
        if (!hints.isEmpty() && geohash == null) {
            ctx.set(INVALID_HINT, Boolean.TRUE);
        }
        EgressPool pool = EgressPool.select(pools, geohash);
        if (pool != null) {
            ctx.set(POOL, pool);
        }
        return HookDecision.proceed();
    }

    @Override
    public TunnelTarget selectTunnelTarget(ExchangeContext ctx, TunnelTarget target) {
        EgressPool pool = ctx.get(POOL);
        return pool == null ? target : target.withSources(pool.addresses());
    }

    @Override
    public void onOriginRequest(ExchangeContext ctx, RequestHead.Builder originRequest) {
        originRequest.headers().remove(GeohashHint.FIELD);
    }

    @Override
    public void onResponse(ExchangeContext ctx, ResponseHead.Builder clientResponse) {
        if (Boolean.TRUE.equals(ctx.get(INVALID_HINT)) && !clientResponse.headers().contains("proxy-status")) {
            clientResponse.headers().set("proxy-status", proxyName + "; details=\"invalid geohash\"");
        }
    }
}
