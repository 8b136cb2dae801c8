package dev.ferry.app.server;

import dev.ferry.app.config.RouteConfig;
import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.OriginSelector;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.net.HostPort;

import dev.ferry.bridge.hook.ProxyHook;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Map;

/**
 * Routing from configuration: routes are tried in order, the first whose authority and path prefix match wins.
 * No match answers 404 with {@code Proxy-Status: ...; error=destination_not_found}: the relay has no origin for
 * that name, which is the client's problem rather than an origin failure.
 */
final class RouteTable implements OriginSelector {
    private final List<RouteConfig> routes;
    /** What each route selects: its origin, with the route's hooks. */
    private final List<SelectedOrigin> selected;

    RouteTable(List<RouteConfig> routes, Map<String, SelectedOrigin> origins) {
        this(routes, origins, route -> List.of());
    }

    /** @param routeHooks the hooks of a route, made once per route here */
    RouteTable(List<RouteConfig> routes, Map<String, SelectedOrigin> origins,
               Function<RouteConfig, List<ProxyHook>> routeHooks) {
        this.routes = List.copyOf(routes);
        List<SelectedOrigin> choices = new ArrayList<>();
        for (RouteConfig route : this.routes) {
            SelectedOrigin origin = origins.get(route.origin());
            List<ProxyHook> hooks = routeHooks.apply(route);
            choices.add(origin == null || hooks.isEmpty() ? origin : origin.withHooks(hooks));
        }
        this.selected = java.util.Collections.unmodifiableList(choices);
    }

    @Override
    public SelectedOrigin select(ExchangeContext ctx, RequestHead request) {
        String authority = request.authority();
        // The normalized path, so that /%61dmin, //admin or /a/../admin cannot slip past a /admin route.
        String path = request.path() == null ? "/" : request.normalizedPath();
        for (int i = 0; i < routes.size(); i++) {
            if (routes.get(i).matches(authority, path)) {
                return selected.get(i);
            }
        }
        throw new ProxyException(ProxyErrorType.DESTINATION_NOT_FOUND, ProxyException.Side.CLIENT, true,
                "no route for " + (authority == null ? "(no authority)" : HostPort.hostOf(authority)));
    }
}
