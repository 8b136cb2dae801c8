package dev.ferry.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.exchange.RequestHead;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointPickerTest {
    private static final List<String> THREE = List.of("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80");

    private static EndpointPicker picker(LoadBalancing.Policy policy, LoadBalancing.HashKey key, List<Integer> weights) {
        return new EndpointPicker(THREE, new LoadBalancing(policy, key, weights, null), null);
    }

    private static RequestHead request(String header, String value) {
        RequestHead.Builder b = RequestHead.builder().method("GET").scheme("https").authority("a.example").path("/");
        if (header != null) {
            b.headers().add(header, value);
        }
        return b.build();
    }

    private static int[] spread(EndpointPicker picker, int requests) {
        int[] counts = new int[3];
        for (int i = 0; i < requests; i++) {
            counts[picker.pick(0L, 0L)]++;
        }
        return counts;
    }

    @Test
    void roundRobinIsExactAndFollowsWeights() {
        assertEquals(List.of(100, 100, 100), toList(spread(picker(LoadBalancing.Policy.ROUND_ROBIN, null,
                List.of(1, 1, 1)), 300)));
        assertEquals(List.of(300, 100, 100), toList(spread(picker(LoadBalancing.Policy.ROUND_ROBIN, null,
                List.of(3, 1, 1)), 500)));
    }

    @Test
    void smoothWeightsDoNotSendRunsToTheHeavyEndpoint() {
        EndpointPicker p = picker(LoadBalancing.Policy.ROUND_ROBIN, null, List.of(5, 1, 1));
        for (int cycle = 0; cycle < 3; cycle++) {
            int[] order = new int[7];
            for (int i = 0; i < 7; i++) {
                order[i] = p.pick(0L, 0L);
            }
            // nginx's sequence for weights 5, 1, 1: a a b a c a a.
            assertEquals(List.of(0, 0, 1, 0, 2, 0, 0), toList(order), "cycle " + cycle);
        }
    }

    @Test
    void triedAndEjectedEndpointsAreSkipped() {
        EndpointPicker p = picker(LoadBalancing.Policy.ROUND_ROBIN, null, List.of(1, 1, 1));
        long tried = EndpointPicker.markTried(0L, 0);
        for (int i = 0; i < 3; i++) {
            p.health(1).failed(0L);
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(2, p.pick(tried, 1L));
        }
        assertEquals(-1, p.pick(EndpointPicker.markTried(EndpointPicker.markTried(tried, 1), 2), 1L));
    }

    @Test
    void leastRequestPrefersTheEndpointWithFewerInFlight() {
        EndpointPicker p = picker(LoadBalancing.Policy.LEAST_REQUEST, null, List.of(1, 1, 1));
        for (int i = 0; i < 10; i++) {
            p.started(0);
            p.started(1);
        }
        int[] counts = spread(p, 300);
        // Endpoint 2 wins every pairing it is in (two in three); the rest are ties between 0 and 1.
        assertTrue(counts[2] > 180, "the idle endpoint gets most: " + toList(counts));
        p.finished(0);
        assertEquals(9, p.inFlight(0));
    }

    @Test
    void consistentHashKeepsAKeyOnItsEndpointAndMovesOnlyTheKeysOfADownEndpoint() {
        EndpointPicker p = picker(LoadBalancing.Policy.CONSISTENT_HASH,
                new LoadBalancing.HashKey(LoadBalancing.HashKey.Source.HEADER, "x-user"), List.of(1, 1, 1));
        int[] home = new int[600];
        int[] counts = new int[3];
        for (int k = 0; k < home.length; k++) {
            home[k] = p.pick(0L, 0L, request("x-user", "user-" + k));
            counts[home[k]]++;
            assertEquals(home[k], p.pick(0L, 0L, request("x-user", "user-" + k)), "stable for a key");
        }
        for (int c : counts) {
            assertTrue(c > 120 && c < 280, "keys spread over the three: " + toList(counts));
        }
        for (int i = 0; i < 3; i++) {
            p.health(1).failed(0L);
        }
        for (int k = 0; k < home.length; k++) {
            int now = p.pick(0L, 1L, request("x-user", "user-" + k));
            if (home[k] != 1) {
                assertEquals(home[k], now, "a key whose endpoint is up stays there");
            } else {
                assertNotEquals(1, now);
            }
        }
    }

    @Test
    void consistentHashOnACookieAndWithoutTheKey() {
        EndpointPicker p = picker(LoadBalancing.Policy.CONSISTENT_HASH,
                new LoadBalancing.HashKey(LoadBalancing.HashKey.Source.COOKIE, "session"), List.of(1, 1, 1));
        int first = p.pick(0L, 0L, request("cookie", "theme=dark; session=abc123"));
        assertEquals(first, p.pick(0L, 0L, request("cookie", "session=abc123")));
        assertEquals("abc123", HashKeys.cookie("a=1; session=abc123; b=2", "session"));
        assertEquals(null, HashKeys.cookie("a=1; sessionx=abc", "session"));
        // No key: spread round robin rather than all to one endpoint.
        int[] counts = new int[3];
        for (int i = 0; i < 30; i++) {
            counts[p.pick(0L, 0L, request(null, null))]++;
        }
        assertEquals(List.of(10, 10, 10), toList(counts));
    }

    private static List<Integer> toList(int[] counts) {
        return java.util.Arrays.stream(counts).boxed().toList();
    }
}
