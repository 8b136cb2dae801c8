package dev.ferry.origin;

import dev.ferry.bridge.exchange.RequestHead;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses an endpoint for each attempt of an exchange, by the origin's {@link LoadBalancing} policy, among the
 * endpoints this exchange has not tried yet that are neither ejected by passive health nor marked unhealthy by
 * active checks. When none is left:
 * <ul>
 *   <li>endpoints that only the active checks mark unhealthy are used (a check can be wrong, or every endpoint
 *       down at once; Envoy calls this panic mode), and</li>
 *   <li>when every untried endpoint is ejected, the one whose ejection ends first (better a likely failure than
 *       none at all, and it tells whether the endpoint is back).</li>
 * </ul>
 *
 * <p>One per event loop and origin; touched only on that loop. Requests in flight are counted per loop, so
 * {@code least-request} balances each loop's share; with connections spread over loops, that is the whole.
 */
final class EndpointPicker {
    private final EndpointHealth[] health;
    private final LoadBalancing balancing;
    private final int[] weights;
    /** Active health, shared by every loop of the origin; null without active checks. */
    private final ActiveHealthChecker active;
    /** Smooth weighted round robin's running weights (nginx's algorithm). */
    private final int[] current;
    private final int[] inFlight;
    private final ConsistentHashRing ring;
    private final SplittableRandom random = new SplittableRandom();
    private final int[] candidates;

    EndpointPicker(List<String> endpointNames, LoadBalancing balancing, ActiveHealthChecker active) {
        int n = endpointNames.size();
        this.balancing = balancing;
        this.active = active;
        health = new EndpointHealth[n];
        weights = new int[n];
        for (int i = 0; i < n; i++) {
            health[i] = new EndpointHealth();
            weights[i] = i < balancing.weights().size() ? balancing.weights().get(i) : 1;
        }
        current = new int[n];
        inFlight = new int[n];
        candidates = new int[n];
        ring = balancing.policy() == LoadBalancing.Policy.CONSISTENT_HASH
                ? new ConsistentHashRing(endpointNames, java.util.Arrays.stream(weights).boxed().toList()) : null;
    }

    int size() {
        return health.length;
    }

    EndpointHealth health(int endpoint) {
        return health[endpoint];
    }

    /** An exchange now waits on {@code endpoint} (for least-request). */
    void started(int endpoint) {
        inFlight[endpoint]++;
    }

    /** An exchange counted by {@link #started} ended. */
    void finished(int endpoint) {
        inFlight[endpoint]--;
    }

    int inFlight(int endpoint) {
        return inFlight[endpoint];
    }

    /**
     * Whether an endpoint is left for another attempt after {@code tried}: any untried one, ejected or not, since
     * {@link #pick} falls back to those. Unlike a pick, it moves no policy state (round-robin position, random).
     */
    boolean anyUntried(long tried) {
        for (int i = 0; i < health.length; i++) {
            if (!isTried(tried, i)) {
                return true;
            }
        }
        return false;
    }

    /** As {@link #pick(long, long, RequestHead)} for a request that carries no hash key. */
    int pick(long tried, long nowNanos) {
        return pick(tried, nowNanos, null);
    }

    /**
     * The endpoint for the next attempt of {@code request}, or -1 when {@code tried} (a bit per endpoint) holds
     * them all.
     */
    int pick(long tried, long nowNanos, RequestHead request) {
        int n = health.length;
        long usable = 0;
        long unhealthyOnly = 0;
        int fallback = -1;
        for (int i = 0; i < n && i < 64; i++) {
            if (isTried(tried, i)) {
                continue;
            }
            if (health[i].ejected(nowNanos)) {
                if (fallback < 0 || health[i].ejectedUntilNanos() - health[fallback].ejectedUntilNanos() < 0) {
                    fallback = i;
                }
            } else if (active == null || active.healthy(i)) {
                usable |= 1L << i;
            } else {
                unhealthyOnly |= 1L << i;
            }
        }
        if (usable == 0) {
            usable = unhealthyOnly;
        }
        if (usable == 0) {
            return fallback;
        }
        return switch (balancing.policy()) {
            case ROUND_ROBIN -> weightedRoundRobin(usable);
            case LEAST_REQUEST -> leastRequest(usable);
            case CONSISTENT_HASH -> {
                CharSequence key = request == null ? null : HashKeys.of(request, balancing.hashKey());
                // A request without the key has no endpoint of its own: spread those evenly.
                yield key == null ? weightedRoundRobin(usable)
                        : ring.endpointFor(ConsistentHashRing.hash(key), usable);
            }
        };
    }

    /** Smooth weighted round robin: every endpoint gains its weight, the richest is picked and pays the total. */
    private int weightedRoundRobin(long usable) {
        int best = -1;
        int total = 0;
        for (int i = 0; i < health.length && i < 64; i++) {
            if ((usable & (1L << i)) == 0) {
                continue;
            }
            current[i] += weights[i];
            total += weights[i];
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        current[best] -= total;
        return best;
    }

    /**
     * Power of two choices: two different usable endpoints at random, the one with fewer requests in flight per
     * unit of weight wins. Cheaper than a full scan and, unlike it, does not send a burst to the one endpoint that
     * happened to be idle.
     */
    private int leastRequest(long usable) {
        int count = 0;
        for (int i = 0; i < health.length && i < 64; i++) {
            if ((usable & (1L << i)) != 0) {
                candidates[count++] = i;
            }
        }
        if (count == 1) {
            return candidates[0];
        }
        int a = candidates[random.nextInt(count)];
        int b = candidates[random.nextInt(count - 1)];
        if (b == a) {
            b = candidates[count - 1];
        }
        // inFlight[a] / weights[a] <= inFlight[b] / weights[b], without division.
        return (long) inFlight[a] * weights[b] <= (long) inFlight[b] * weights[a] ? a : b;
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
