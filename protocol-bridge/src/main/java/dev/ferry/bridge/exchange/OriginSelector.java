package dev.ferry.bridge.exchange;

import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ProxyHook;
import java.util.List;

/** Chooses where a request goes: the routing step between {@code onRequest} and {@code onOriginRequest}. */
@FunctionalInterface
public interface OriginSelector {

    /**
     * The origin for this request.
     *
     * @throws ProxyException of type {@code DESTINATION_NOT_FOUND} when no route matches
     */
    SelectedOrigin select(ExchangeContext ctx, RequestHead clientRequest);

    /**
     * The chosen origin, the timeouts the driver applies to it and the hooks of the route that chose it.
     *
     * @param responseTimeoutMillis from the end of the request to the response head; 0 disables
     * @param idleTimeoutMillis     longest time with no bytes either way; 0 disables
     * @param hooks                 the route's own hooks: they run after the global chain in every phase, their
     *                              {@code onRequest} once the route is known
     */
    record SelectedOrigin(String name, OriginConnector connector, long responseTimeoutMillis,
                          long idleTimeoutMillis, List<ProxyHook> hooks) {
        public SelectedOrigin {
            hooks = List.copyOf(hooks);
        }

        /** An origin whose route has no hooks of its own. */
        public SelectedOrigin(String name, OriginConnector connector, long responseTimeoutMillis,
                              long idleTimeoutMillis) {
            this(name, connector, responseTimeoutMillis, idleTimeoutMillis, List.of());
        }

        /** This origin as chosen by a route with {@code routeHooks}. */
        public SelectedOrigin withHooks(List<ProxyHook> routeHooks) {
            return new SelectedOrigin(name, connector, responseTimeoutMillis, idleTimeoutMillis, routeHooks);
        }
    }
}
