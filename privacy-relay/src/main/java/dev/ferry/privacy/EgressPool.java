package dev.ferry.privacy;

import dev.ferry.bridge.headers.GeohashHint;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Source addresses an egress hop sends from for clients in one area, and where that area is, for its geofeed.
 *
 * @param geohash   the geohash prefix the pool serves; null for the default pool
 * @param addresses the source addresses (IPv4 and IPv6), at least one
 * @param country   ISO 3166-1 alpha-2 code for the geofeed, or empty
 * @param region    ISO 3166-2 code, or empty
 * @param city      city name, or empty
 */
public record EgressPool(String geohash, List<InetAddress> addresses, String country, String region, String city) {
    public EgressPool {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a pool needs at least one address");
        }
        Objects.requireNonNull(country, "country");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(city, "city");
        if (geohash != null && GeohashHint.parse('"' + geohash + '"') == null) {
            throw new IllegalArgumentException("not a geohash prefix: " + geohash);
        }
    }

    /** The pool for {@code geohash}: the longest prefix that matches, else the default (null when none). */
    static EgressPool select(List<EgressPool> pools, String geohash) {
        EgressPool best = null;
        for (EgressPool pool : pools) {
            if (pool.geohash() == null) {
                if (best == null) {
                    best = pool;
                }
            } else if (geohash != null && geohash.startsWith(pool.geohash()) && longer(pool, best)) {
                best = pool;
            }
        }
        return best;
    }

    private static boolean longer(EgressPool pool, EgressPool than) {
        return than == null || than.geohash() == null || pool.geohash().length() > than.geohash().length();
    }
}
