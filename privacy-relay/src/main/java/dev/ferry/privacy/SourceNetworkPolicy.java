package dev.ferry.privacy;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.Cidr;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The second hop of a two-hop relay accepts connections from its first hops only: a request whose client address
 * is outside the configured networks is refused with 403 {@code http_request_denied} before any hook after it, or
 * any target, sees it. The detail names no address.
 */
public final class SourceNetworkPolicy implements ProxyHook {
    private final List<Cidr> networks;

    /** @param networks where first hops connect from, at least one */
    public SourceNetworkPolicy(List<Cidr> networks) {
        if (networks.isEmpty()) {
            throw new IllegalArgumentException("at least one source network is needed");
        }
        this.networks = List.copyOf(networks);
    }

    @Override
    public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
        InetSocketAddress client = ctx.clientAddress();
        if (client != null && client.getAddress() != null) {
            for (Cidr network : networks) {
                if (network.contains(client.getAddress())) {
                    return HookDecision.proceed();
                }
            }
        }
        throw new ProxyException(ProxyErrorType.HTTP_REQUEST_DENIED, ProxyException.Side.CLIENT, true,
                "not from a network this relay serves");
    }
}
