package dev.ferry.origin;

/**
 * Chooses an endpoint for each attempt of an exchange: round robin over the endpoints that are not ejected and not
 * yet tried by this exchange. When every untried endpoint is ejected, the one whose ejection ends first is used
 * (better a likely failure than none at all, and it tells whether the endpoint is back).
 *
 * <p>One per event loop and origin; touched only on that loop.
 */
final class EndpointPicker {
    private final EndpointHealth[] health;
    private int next;

    EndpointPicker(int endpoints) {
        health = new EndpointHealth[endpoints];
        for (int i = 0; i < endpoints; i++) {
            health[i] = new EndpointHealth();
        }
    }

    int size() {
        return health.length;
    }

    EndpointHealth health(int endpoint) {
        return health[endpoint];
    }

    /**
     * The endpoint for the next attempt, or -1 when {@code tried} (a bit per endpoint) holds them all.
     */
    int pick(long tried, long nowNanos) {
        int n = health.length;
        int fallback = -1;
        for (int step = 0; step < n; step++) {
            int i = (next + step) % n;
            if (isTried(tried, i)) {
                continue;
            }
            if (!health[i].ejected(nowNanos)) {
                next = (i + 1) % n;
                return i;
            }
            if (fallback < 0 || health[i].ejectedUntilNanos() - health[fallback].ejectedUntilNanos() < 0) {
                fallback = i;
            }
        }
        if (fallback >= 0) {
            next = (fallback + 1) % n;
        }
        return fallback;
    }

    static boolean isTried(long tried, int endpoint) {
        return endpoint < 64 && (tried & (1L << endpoint)) != 0;
    }

    static long markTried(long tried, int endpoint) {
        return endpoint < 64 ? tried | (1L << endpoint) : tried;
    }

    /** Ejections summed over this loop's endpoints. */
    long ejections() {
        long sum = 0;
        for (EndpointHealth h : health) {
            sum += h.ejections();
        }
        return sum;
    }
}
