package dev.ferry.app.config;

import java.time.Duration;

/**
 * Time limits on the origin side of an exchange. Each one that fires ends the exchange with 504 and a Proxy-Status
 * naming the limit.
 *
 * @param connect  {@code connect}, default 5s: TCP connect plus TLS handshake to one endpoint
 * @param response {@code response}, default 30s: from the end of the request (head and body sent) to the response head
 * @param idle     {@code idle}, default 60s: no bytes in either direction on an exchange (covers slow bodies)
 */
public record TimeoutsConfig(Duration connect, Duration response, Duration idle) {
    public TimeoutsConfig {
        Checks.positive(connect, "connect");
        Checks.positive(response, "response");
        Checks.positive(idle, "idle");
    }

    public static TimeoutsConfig defaults() {
        return new TimeoutsConfig(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }
}
