package dev.ferry.app.config;

import dev.ferry.bridge.headers.PathPrefix;
import dev.ferry.bridge.net.HostPort;

import java.util.List;
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
 * @param hooks      {@code hooks}, default none: this route's own hooks, run after the global chain once the route
 *                   is known (their {@code onRequest} included); see {@link HookConfig}
 */
public record RouteConfig(String authority, String pathPrefix, String origin, List<HookConfig> hooks) {
    public static final String ANY_AUTHORITY = "*";
    public static final String ROOT_PREFIX = "/";

    public RouteConfig {
        String lower = Objects.requireNonNull(authority, "authority").toLowerCase(Locale.ROOT);
        authority = lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        Objects.requireNonNull(origin, "origin");
        hooks = List.copyOf(hooks);
        for (HookConfig hook : hooks) {
            if (hook instanceof HookConfig.Builtin) {
                throw new IllegalArgumentException("the built-in " + hook.name() + " belongs to the global chain");
            }
        }
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("pathPrefix must start with /: " + pathPrefix);
        }
    }

    /** A route without hooks of its own. */
    public RouteConfig(String authority, String pathPrefix, String origin) {
        this(authority, pathPrefix, origin, List.of());
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
        String h = HostPort.hostOf(host);
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
        return PathPrefix.covers(pathPrefix, path);
    }
}
