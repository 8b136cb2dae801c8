package dev.ferry.origin;

import java.util.Objects;

/**
 * Active health checks of an origin's endpoints: every {@code intervalMillis}, a {@code GET path} on a new
 * connection to each endpoint. An answer of 2xx within {@code timeoutMillis} passes; anything else (another status,
 * a refused or timed-out connection) fails. {@code unhealthyThreshold} failures in a row take an endpoint out of
 * the rotation, {@code healthyThreshold} passes in a row bring it back.
 *
 * @param path               request target of the check, starting with {@code /}
 * @param host               the {@code Host} field of the check; null for the endpoint's own host:port
 * @param intervalMillis     time between two checks of one endpoint
 * @param timeoutMillis      how long a check may take, connect included
 * @param healthyThreshold   passes in a row that make an unhealthy endpoint healthy
 * @param unhealthyThreshold failures in a row that make a healthy endpoint unhealthy
 */
public record HealthCheck(String path, String host, long intervalMillis, long timeoutMillis, int healthyThreshold,
                          int unhealthyThreshold) {
    public HealthCheck {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a health check path starts with /: " + path);
        }
        if (intervalMillis < 1 || timeoutMillis < 1) {
            throw new IllegalArgumentException("interval and timeout must be positive");
        }
        if (healthyThreshold < 1 || unhealthyThreshold < 1) {
            throw new IllegalArgumentException("thresholds must be at least 1");
        }
    }
}
