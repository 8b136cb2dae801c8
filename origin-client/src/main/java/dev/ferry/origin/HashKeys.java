package dev.ferry.origin;

import dev.ferry.bridge.exchange.RequestHead;

/** Reads a consistent-hash key out of a request: a header's value, or one cookie's value. */
final class HashKeys {
    private HashKeys() {
    }

    /** The key {@code key} names in {@code request}, or null when the request does not carry it. */
    static CharSequence of(RequestHead request, LoadBalancing.HashKey key) {
        if (key.source() == LoadBalancing.HashKey.Source.HEADER) {
            String value = request.headers().get(key.name());
            return value == null || value.isEmpty() ? null : value;
        }
        // Cookies may come in several fields (HTTP/2 and HTTP/3 split them, RFC 9113 8.2.3), each "a=1; b=2".
        for (String field : request.headers().getAll("cookie")) {
            String value = cookie(field, key.name());
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The value of cookie {@code name} in one Cookie field, or null; names compare without regard to case. */
    static String cookie(String field, String name) {
        int i = 0;
        int n = field.length();
        while (i < n) {
            int end = field.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            int start = i;
            while (start < end && field.charAt(start) == ' ') {
                start++;
            }
            int eq = start + name.length();
            if (eq < end && field.charAt(eq) == '=' && field.regionMatches(true, start, name, 0, name.length())) {
                String value = field.substring(eq + 1, end).trim();
                return value.isEmpty() ? null : value;
            }
            i = end + 1;
        }
        return null;
    }
}
