package dev.ferry.origin;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How an origin's requests are spread over its endpoints.
 *
 * @param policy      which endpoint a request goes to
 * @param hashKey     for {@link Policy#CONSISTENT_HASH}: what of the request picks the endpoint; null otherwise
 * @param weights     one positive weight per endpoint, in endpoint order (all 1 for an even spread)
 * @param healthCheck active health checks, or null for passive ejection only
 */
public record LoadBalancing(Policy policy, HashKey hashKey, List<Integer> weights, HealthCheck healthCheck) {
    /** The largest weight an endpoint may have: enough for any sane ratio, small enough for a hash ring. */
    public static final int MAX_WEIGHT = 100;

    /** The policies. */
    public enum Policy {
        /** Each endpoint in turn, in proportion to its weight (smooth weighted round robin). */
        ROUND_ROBIN,
        /** Of two endpoints picked at random, the one with fewer requests in flight per unit of weight. */
        LEAST_REQUEST,
        /** The endpoint a request's key maps to on a hash ring; the same key keeps its endpoint while it is up. */
        CONSISTENT_HASH;

        /** The name used in configuration files: {@code round-robin}, {@code least-request}, {@code consistent-hash}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What a consistent hash is computed on: a request header's value or a cookie's. */
    public record HashKey(Source source, String name) {
        public enum Source { HEADER, COOKIE }

        public HashKey {
            Objects.requireNonNull(source, "source");
            name = name.toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a hash key needs a name");
            }
        }
    }

    public LoadBalancing {
        Objects.requireNonNull(policy, "policy");
        weights = List.copyOf(weights);
        for (int w : weights) {
            if (w < 1 || w > MAX_WEIGHT) {
                throw new IllegalArgumentException("weights must be in [1, " + MAX_WEIGHT + "]: " + w);
            }
        }
        if ((policy == Policy.CONSISTENT_HASH) != (hashKey != null)) {
            throw new IllegalArgumentException("a hash key goes with consistent-hash, and only with it");
        }
    }

    /** Round robin, equal weights, no active checks: what an origin gets when its file says nothing. */
    public static LoadBalancing roundRobin(int endpoints) {
        return new LoadBalancing(Policy.ROUND_ROBIN, null, java.util.Collections.nCopies(endpoints, 1), null);
    }
}
