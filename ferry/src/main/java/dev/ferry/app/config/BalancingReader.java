package dev.ferry.app.config;

import dev.ferry.origin.HealthCheck;
import dev.ferry.origin.LoadBalancing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Reads an origin's {@code load-balancing} and {@code health-check} sections. */
final class BalancingReader {
    static final List<String> POLICIES = List.of("round-robin", "least-request", "consistent-hash");
    private static final String HASH_KEY_EXPECTED = "header:NAME or cookie:NAME";
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    static final int DEFAULT_HEALTHY_THRESHOLD = 2;
    static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;

    private BalancingReader() {
    }

    /**
     * {@code load-balancing} and {@code health-check} of an origin with {@code endpoints} endpoints speaking
     * {@code protocol}; null after a problem (reported on the node).
     */
    static LoadBalancing read(ConfigNode balancing, ConfigNode healthCheck, int endpoints, OriginProtocol protocol) {
        int before = balancing.problemCount() + healthCheck.problemCount();
        LoadBalancing.Policy policy = LoadBalancing.Policy.ROUND_ROBIN;
        LoadBalancing.HashKey hashKey = null;
        List<Integer> weights = Collections.nCopies(endpoints, 1);
        if (balancing.present() && balancing.isMap("a map with keys policy, hash-key, weights")) {
            balancing.allowKeys("policy", "hash-key", "weights");
            policy = LoadBalancing.Policy.valueOf(balancing.child("policy").choice("round-robin", POLICIES)
                    .toUpperCase(Locale.ROOT).replace('-', '_'));
            hashKey = readHashKey(balancing.child("hash-key"), policy);
            weights = readWeights(balancing.child("weights"), endpoints, weights);
        }
        HealthCheck check = readHealthCheck(healthCheck, protocol);
        if (balancing.problemCount() + healthCheck.problemCount() != before) {
            return null;
        }
        return new LoadBalancing(policy, hashKey, weights, check);
    }

    private static LoadBalancing.HashKey readHashKey(ConfigNode node, LoadBalancing.Policy policy) {
        if (policy != LoadBalancing.Policy.CONSISTENT_HASH) {
            if (node.present()) {
                node.problem("no hash-key unless policy is consistent-hash");
            }
            return null;
        }
        if (!node.present()) {
            node.missing(HASH_KEY_EXPECTED + " (what of a request picks its endpoint)");
            return null;
        }
        String text = node.string(null, HASH_KEY_EXPECTED, s -> s.matches("(?i)(header|cookie):[!#$%&'*+.^_`|~0-9A-Za-z-]+"));
        if (text == null) {
            return null;
        }
        int colon = text.indexOf(':');
        LoadBalancing.HashKey.Source source = LoadBalancing.HashKey.Source.valueOf(
                text.substring(0, colon).toUpperCase(Locale.ROOT));
        return new LoadBalancing.HashKey(source, text.substring(colon + 1));
    }

    private static List<Integer> readWeights(ConfigNode node, int endpoints, List<Integer> fallback) {
        if (!node.present()) {
            return fallback;
        }
        String expected = "a list of " + endpoints + " integers from 1 to " + LoadBalancing.MAX_WEIGHT
                + ", one per endpoint in order";
        List<ConfigNode> items = node.elements(expected);
        if (items.size() != endpoints) {
            node.problem(expected);
            return fallback;
        }
        List<Integer> weights = new ArrayList<>();
        for (ConfigNode item : items) {
            weights.add((int) item.integer(1, 1, LoadBalancing.MAX_WEIGHT, "an integer from 1 to "
                    + LoadBalancing.MAX_WEIGHT));
        }
        return weights;
    }

    private static HealthCheck readHealthCheck(ConfigNode node, OriginProtocol protocol) {
        if (!node.present() || !node.isMap("a map with keys path, host, interval, timeout, healthy-threshold, "
                + "unhealthy-threshold")) {
            return null;
        }
        node.allowKeys("path", "host", "interval", "timeout", "healthy-threshold", "unhealthy-threshold");
        String path = node.child("path").string(null, "a path starting with /", s -> s.startsWith("/")
                && s.chars().allMatch(c -> c > 0x20 && c < 0x7f));
        if (path == null && !node.child("path").present()) {
            node.child("path").missing("a path starting with /, such as /healthz");
        }
        String host = node.child("host").string(null, "a host name, optionally with :port",
                s -> s.matches("[A-Za-z0-9.\\-\\[\\]:]+"));
        Duration interval = node.child("interval").duration(DEFAULT_INTERVAL);
        Duration timeout = node.child("timeout").duration(DEFAULT_TIMEOUT);
        int healthy = (int) node.child("healthy-threshold").integer(DEFAULT_HEALTHY_THRESHOLD, 1, 100,
                "an integer from 1 to 100");
        int unhealthy = (int) node.child("unhealthy-threshold").integer(DEFAULT_UNHEALTHY_THRESHOLD, 1, 100,
                "an integer from 1 to 100");
        if (path == null) {
            return null;
        }
        return new HealthCheck(path, host, interval.toMillis(), timeout.toMillis(), healthy, unhealthy);
    }
}
