package dev.ferry.app.server;

import dev.ferry.app.config.RouteConfig;
import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.OriginSelector;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.net.HostPort;

import java.util.List;
import java.util.Map;

/**
 * Routing from configuration: routes are tried in order, the first whose authority and path prefix match wins.
 * No match answers 404 with {@code Proxy-Status: ...; error=destination_not_found}: the relay has no origin for
 * that name, which is the client's problem rather than an origin failure.
 */
final class RouteTable implements OriginSelector {
    private final List<RouteConfig> routes;
    private final Map<String, SelectedOrigin> origins;

    RouteTable(List<RouteConfig> routes, Map<String, SelectedOrigin> origins) {
        this.routes = List.copyOf(routes);
        this.origins = Map.copyOf(origins);
    }

    @Override
    public SelectedOrigin select(ExchangeContext ctx, RequestHead request) {
        String authority = request.authority();
        // The normalized path, so that /%61dmin, //admin or /a/../admin cannot slip past a /admin route.
        String path = request.path() == null ? "/" : request.normalizedPath();
        for (RouteConfig route : routes) {
            if (route.matches(authority, path)) {
                return origins.get(route.origin());
            }
        }
        throw new ProxyException(ProxyErrorType.DESTINATION_NOT_FOUND, ProxyException.Side.CLIENT, true,
                "no route for " + (authority == null ? "(no authority)" : HostPort.hostOf(authority)));
    }
}
