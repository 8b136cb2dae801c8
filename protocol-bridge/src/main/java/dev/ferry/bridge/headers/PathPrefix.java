package dev.ferry.bridge.headers;

/**
 * Path prefixes that match whole segments, the way routes and the built-in modules read them: {@code /api} covers
 * {@code /api}, {@code /api/v1} and {@code /api?x=1}, not {@code /apis}; a prefix ending in {@code /} covers what
 * starts with it. Compare normalized paths ({@code RequestHead.normalizedPath()}), so no spelling slips past.
 */
public final class PathPrefix {
    private PathPrefix() {
    }

    /** Whether {@code prefix} covers {@code path}; the query and fragment are not part of the path. */
    public static boolean covers(String prefix, String path) {
        if (!path.startsWith(prefix)) {
            return false;
        }
        if (path.length() == prefix.length() || prefix.endsWith("/")) {
            return true;
        }
        char next = path.charAt(prefix.length());
        return next == '/' || next == '?' || next == '#';
    }
}
