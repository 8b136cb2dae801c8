package dev.ferry.app.config;

import java.util.Locale;
import java.util.Objects;

/**
 * Sends requests for a host and path to an origin. Routes are tried in file order and the first match wins, so a
 * specific route goes before a general one.
 *
 * @param authority  {@code authority}, default {@code *}: an exact host ({@code api.example.com}), a wildcard
 *                   {@code *.example.com} that matches any host below example.com but not example.com itself, or
 *                   {@code *} for any host. Compared without case; the request's port is ignored
 * @param pathPrefix {@code path-prefix}, default {@code /}: matches whole path segments, so {@code /api} matches
 *                   {@code /api}, {@code /api/v1} and {@code /api?x} but not {@code /apis}
 * @param origin     {@code origin}, required: the name of an entry under {@code origins}
 */
public record RouteConfig(String authority, String pathPrefix, String origin) {
    public static final String ANY_AUTHORITY = "*";
    public static final String ROOT_PREFIX = "/";

    public RouteConfig {
        authority = stripBrackets(Objects.requireNonNull(authority, "authority").toLowerCase(Locale.ROOT));
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        Objects.requireNonNull(origin, "origin");
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("pathPrefix must start with /: " + pathPrefix);
        }
    }

    /** A route that sends everything to {@code origin}. */
    public static RouteConfig catchAll(String origin) {
        return new RouteConfig(ANY_AUTHORITY, ROOT_PREFIX, origin);
    }

    /**
     * Whether a request for {@code host} (the {@code :authority} or {@code Host}, port allowed, may be null) and
     * {@code path} (the {@code :path}, query allowed, may be null) takes this route.
     */
    public boolean matches(String host, String path) {
        return matchesHost(host) && matchesPath(path == null || path.isEmpty() ? "/" : path);
    }

    private boolean matchesHost(String host) {
        if (authority.equals(ANY_AUTHORITY)) {
            return true;
        }
        if (host == null) {
            return false;
        }
        String h = stripBrackets(withoutPort(host.toLowerCase(Locale.ROOT)));
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (authority.startsWith("*.")) {
            String suffix = authority.substring(1);
            return h.length() > suffix.length() && h.endsWith(suffix);
        }
        return h.equals(authority);
    }

    private boolean matchesPath(String path) {
        if (!path.startsWith(pathPrefix)) {
            return false;
        }
        if (path.length() == pathPrefix.length() || pathPrefix.endsWith("/")) {
            return true;
        }
        char next = path.charAt(pathPrefix.length());
        return next == '/' || next == '?' || next == '#';
    }

    private static String withoutPort(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host : host.substring(0, close + 1);
        }
        int colon = host.indexOf(':');
        return colon >= 0 && colon == host.lastIndexOf(':') ? host.substring(0, colon) : host;
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
