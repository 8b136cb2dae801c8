package dev.ferry.privacy;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.net.HostPort;
import dev.ferry.bridge.tunnel.TunnelTarget;
import java.util.List;
import java.util.Locale;

/**
 * The first hop of a two-hop relay: it carries CONNECT-UDP tunnels to its configured next hops and nothing else.
 * The client's QUIC connection to the next hop runs end to end inside the tunnel, so this hop learns who asks but
 * never where the client goes; it never parses what it carries. Any other request, a CONNECT (TCP) tunnel, or a
 * CONNECT-UDP tunnel to another target is refused with 403 {@code http_request_denied} before anything is opened.
 */
public final class IngressPolicy implements ProxyHook {
    private final List<HostPort> nextHops;

    /** @param nextHops the next hops' {@code host:port}, at least one */
    public IngressPolicy(List<HostPort> nextHops) {
        if (nextHops.isEmpty()) {
            throw new IllegalArgumentException("an ingress needs at least one next hop");
        }
        this.nextHops = List.copyOf(nextHops);
    }

    @Override
    public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
        if (!request.isConnect()) {
            throw denied("this relay carries only CONNECT-UDP tunnels to its next hops");
        }
        return HookDecision.proceed();
    }

    @Override
    public HookDecision onTunnel(ExchangeContext ctx, TunnelTarget target) {
        if (target.kind() != TunnelTarget.Kind.UDP) {
            throw denied("this relay carries only CONNECT-UDP tunnels to its next hops");
        }
        for (HostPort hop : nextHops) {
            if (hop.port() == target.port() && hop.host().equals(target.host().toLowerCase(Locale.ROOT))) {
                return HookDecision.proceed();
            }
        }
        throw denied("not a next hop of this relay");
    }

    private static ProxyException denied(String detail) {
        return new ProxyException(ProxyErrorType.HTTP_REQUEST_DENIED, ProxyException.Side.CLIENT, true, detail);
    }
}
