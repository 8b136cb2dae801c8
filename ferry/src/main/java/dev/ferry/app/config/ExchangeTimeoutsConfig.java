package dev.ferry.app.config;

import java.time.Duration;

/**
 * Deadlines of the exchange path, before any origin is involved.
 *
 * @param requestHead  {@code request-head}, default 10s: a request stream must complete its header section within
 *                     this long of opening; one that does not (a slow or stalled client holding a stream) is
 *                     answered 408 with {@code Proxy-Status: ...; error=http_request_error}
 * @param hookDecision {@code hook-decision}, default 30s: how long a hook's deferred decision may take; past it the
 *                     request is answered 500 {@code proxy_internal_error} (a hook that never decides is the relay's
 *                     own failure, not the origin's) and a late decision is ignored
 */
public record ExchangeTimeoutsConfig(Duration requestHead, Duration hookDecision) {
    public ExchangeTimeoutsConfig {
        Checks.positive(requestHead, "requestHead");
        Checks.positive(hookDecision, "hookDecision");
    }

    public static ExchangeTimeoutsConfig defaults() {
        return new ExchangeTimeoutsConfig(Duration.ofSeconds(10), Duration.ofSeconds(30));
    }
}
