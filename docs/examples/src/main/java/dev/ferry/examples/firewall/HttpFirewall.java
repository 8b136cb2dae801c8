package dev.ferry.examples.firewall;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.headers.PathPrefix;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.Cidr;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses requests by path, method, client network or User-Agent, before any origin is contacted. A refusal is a
 * {@link ProxyException} of type {@code http_request_denied}: the relay answers 403 with {@code Proxy-Status},
 * as for any denial, and the access log records why.
 *
 * <p>Stateless and immutable, so one instance serves every event loop at once.
 */
final class HttpFirewall implements ProxyHook {
    private final List<String> denyPaths;
    private final boolean ignoreCase;
    private final Set<String> allowMethods;
    private final List<Cidr> denyNetworks;
    private final List<String> denyUserAgents;

    HttpFirewall(FirewallConfig config) {
        this.ignoreCase = config.ignoreCase();
        this.denyPaths = config.denyPaths().stream().map(this::comparable).toList();
        this.allowMethods = Set.copyOf(config.allowMethods());
        this.denyNetworks = config.denyNetworks().stream().map(Cidr::parse).toList();
        this.denyUserAgents = config.denyUserAgents().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    @Override
    public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
        if (!allowMethods.isEmpty() && !allowMethods.contains(request.method())) {
            throw denied("method " + request.method());
        }
        // The normalized path, as routes see it: /%61dmin, //admin and /x/../admin all read as /admin here.
        String path = comparable(request.path() == null ? "/" : request.normalizedPath());
        for (String prefix : denyPaths) {
            if (PathPrefix.covers(prefix, path)) {
                throw denied("path " + prefix);
            }
        }
        InetSocketAddress client = ctx.clientAddress();
        if (client != null && client.getAddress() != null) {
            for (Cidr network : denyNetworks) {
                if (network.contains(client.getAddress())) {
                    throw denied("client network " + network);
                }
            }
        }
        String agent = request.headers().get("user-agent");
        if (agent != null) {
            String lower = agent.toLowerCase(Locale.ROOT);
            for (String word : denyUserAgents) {
                if (lower.contains(word)) {
                    throw denied("user agent");
                }
            }
        }
        return HookDecision.proceed();
    }

    private String comparable(String path) {
        return ignoreCase ? path.toLowerCase(Locale.ROOT) : path;
    }

    private static ProxyException denied(String rule) {
        return new ProxyException(ProxyErrorType.HTTP_REQUEST_DENIED, ProxyException.Side.CLIENT, true,
                "denied by http-firewall: " + rule);
    }
}
