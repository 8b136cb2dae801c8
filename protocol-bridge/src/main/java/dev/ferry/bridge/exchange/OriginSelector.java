package dev.ferry.bridge.exchange;

import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.hook.ExchangeContext;

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
     * The chosen origin and the timeouts the driver applies to it.
     *
     * @param responseTimeoutMillis from the end of the request to the response head; 0 disables
     * @param idleTimeoutMillis     longest time with no bytes either way; 0 disables
     */
    record SelectedOrigin(String name, OriginConnector connector, long responseTimeoutMillis,
                          long idleTimeoutMillis) {
    }
}
