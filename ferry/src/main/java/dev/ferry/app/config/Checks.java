package dev.ferry.app.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Invariant checks for the record constructors. The loader reports bad values with key paths before it builds a
 * record; these checks exist so that records built in code (tests, embedders) cannot hold values the loader would
 * have refused.
 */
final class Checks {
    private Checks() {
    }

    static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0: " + d);
        }
        return d;
    }

    static long range(long v, long min, long max, String name) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + v);
        }
        return v;
    }

    static String oneOf(String v, java.util.List<String> allowed, String name) {
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException(name + " must be one of " + allowed + ": " + v);
        }
        return v;
    }
}
