package dev.ferry.bridge.modules;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by key, safe for every event loop at once: each holds up to {@code burst} tokens and refills at
 * {@code rate} per second; a request takes one. Memory is bounded: past {@code maxKeys} keys, buckets that have
 * refilled completely (their keys idle) are dropped, and a key that still finds no room shares one overflow
 * bucket with every other such key, so a flood of new addresses is limited together rather than let through.
 */
final class TokenBuckets {
    private final double ratePerNano;
    private final double burst;
    private final int maxKeys;
    private final LongSupplier nanoTime;
    private final Map<Object, Bucket> buckets = new ConcurrentHashMap<>();
    private final Bucket overflow;

    TokenBuckets(double ratePerSecond, int burst, int maxKeys, LongSupplier nanoTime) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.nanoTime = nanoTime;
        this.overflow = new Bucket(burst, nanoTime.getAsLong());
    }

    /** 0 when a token was taken; otherwise the nanoseconds until one will be there. */
    long take(Object key) {
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxKeys) {
                dropIdle(now);
            }
            bucket = buckets.size() < maxKeys ? buckets.computeIfAbsent(key, k -> new Bucket(burst, now)) : overflow;
        }
        return bucket.take(now);
    }

    int keys() {
        return buckets.size();
    }

    private void dropIdle(long now) {
        buckets.values().removeIf(b -> b.isFull(now));
    }

    private final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / ratePerNano);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            if (now > updated) {
                tokens = Math.min(burst, tokens + (now - updated) * ratePerNano);
                updated = now;
            }
        }
    }
}
