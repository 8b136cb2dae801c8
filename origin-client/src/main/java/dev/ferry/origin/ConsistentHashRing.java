package dev.ferry.origin;

import java.util.Arrays;
import java.util.List;

/**
 * A hash ring (Karger et al., as in Envoy's ring hash and nginx's {@code hash ... consistent}): each endpoint owns
 * {@value #POINTS_PER_WEIGHT} points per unit of weight, placed by hashing {@code host:port#n}; a key belongs to the
 * first point at or after its own hash. Adding or removing an endpoint moves only the keys of the points it owns,
 * and an endpoint that is down hands its keys to the next endpoints on the ring, not all to one.
 *
 * <p>Immutable after construction; shared freely.
 */
final class ConsistentHashRing {
    /** Points per unit of weight: enough for an even spread over a handful of endpoints (within a few percent). */
    static final int POINTS_PER_WEIGHT = 160;

    private final long[] points;
    private final int[] owners;
    private final int endpoints;

    ConsistentHashRing(List<String> endpointNames, List<Integer> weights) {
        endpoints = endpointNames.size();
        int total = 0;
        for (int w : weights) {
            total += w * POINTS_PER_WEIGHT;
        }
        long[][] placed = new long[total][];
        int k = 0;
        for (int e = 0; e < endpoints; e++) {
            for (int p = 0; p < weights.get(e) * POINTS_PER_WEIGHT; p++) {
                placed[k++] = new long[] {hash(endpointNames.get(e) + "#" + p), e};
            }
        }
        Arrays.sort(placed, (a, b) -> Long.compareUnsigned(a[0], b[0]));
        points = new long[total];
        owners = new int[total];
        for (int i = 0; i < total; i++) {
            points[i] = placed[i][0];
            owners[i] = (int) placed[i][1];
        }
    }

    /**
     * The endpoint for {@code keyHash}: the owner of the first point at or after it whose endpoint {@code usable}
     * (a bit per endpoint) holds, or -1 when none does.
     */
    int endpointFor(long keyHash, long usable) {
        int start = firstAtOrAfter(keyHash);
        long seen = 0;
        long all = endpoints >= 64 ? -1L : (1L << endpoints) - 1;
        for (int step = 0; step < points.length && seen != all; step++) {
            int owner = owners[(start + step) % points.length];
            if (owner < 64 && (usable & (1L << owner)) != 0) {
                return owner;
            }
            seen |= owner < 64 ? 1L << owner : 0;
        }
        return -1;
    }

    private int firstAtOrAfter(long hash) {
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], hash) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }

    /**
     * 64-bit FNV-1a over the key's UTF-16 code units, low byte then high byte (no copy: it runs once per request),
     * then MurmurHash3's finaliser so that similar keys land far apart.
     */
    static long hash(CharSequence key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            h ^= c & 0xff;
            h *= 0x100000001b3L;
            h ^= c >>> 8;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
