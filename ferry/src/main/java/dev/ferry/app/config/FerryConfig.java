package dev.ferry.app.config;

import dev.ferry.app.hooks.AccessLogFields;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The whole configuration of a Ferry process, as read by {@link ConfigLoader} or built in code. Immutable; lists and
 * the origin map keep file order.
 *
 * @param proxyName  {@code proxy-name}, default {@code ferry}: the token Ferry names itself by in {@code Via} and
 *                   {@code Proxy-Status}; pick something that does not reveal the host name
 * @param stateDir   {@code state-dir}, default {@code ~/.local/state/ferry}: where generated certificates are kept
 *                   so that clients see the same certificate after a restart
 * @param eventLoops {@code event-loops}, default 0: number of event-loop threads; 0 means one per available core
 * @param listeners  {@code listeners}, default one listener (see {@link ListenerConfig#defaults()})
 * @param routes     {@code routes}, default none: tried in order, first match wins; when there are none and there is
 *                   exactly one origin, everything goes to it (see {@link #effectiveRoutes()})
 * @param origins    {@code origins}, required: origin name to origin, at least one unless tunnels are enabled (a
 *                   tunnel-only relay has none, and answers every plain request 404 {@code destination_not_found})
 * @param headers    {@code headers}, default {@link HeadersConfig#defaults()}
 * @param accessLog  {@code access-log}, default {@link AccessLogConfig#defaults()}; its fields default by privacy
 *                   role, see {@link #accessLogFields()}
 * @param tunnels    {@code tunnels}, default {@link TunnelsConfig#disabled()}
 * @param errors     {@code errors}, default {@link ErrorsConfig#defaults()}
 * @param timeouts   {@code timeouts}, default {@link ExchangeTimeoutsConfig#defaults()}: deadlines of the exchange
 *                   path itself (per-origin deadlines are under {@code origins.<name>.timeouts})
 * @param hooks      {@code hooks}, default none: the global hook chain in order, plugin hooks and built-ins placed
 *                   by name; built-ins not named keep their default place (see {@link HookConfig})
 * @param privacy    {@code privacy}, default {@link PrivacyConfig#none()}: this relay's hop in a two-hop relay
 * @param admin      {@code admin}, default off: the operators' endpoint ({@link AdminConfig})
 * @param warmUp     {@code warm-up}, default off: requests sent through the relay's own path before it binds its
 *                   listeners ({@link WarmUpConfig})
 */
public record FerryConfig(String proxyName, Path stateDir, int eventLoops, List<ListenerConfig> listeners,
                          List<RouteConfig> routes, Map<String, OriginConfig> origins, HeadersConfig headers,
                          AccessLogConfig accessLog, TunnelsConfig tunnels, ErrorsConfig errors,
                          ExchangeTimeoutsConfig timeouts, List<HookConfig> hooks, PrivacyConfig privacy,
                          AdminConfig admin, WarmUpConfig warmUp) {
    public static final String DEFAULT_PROXY_NAME = "ferry";
    /** The name of the origin in {@link #defaults(InetSocketAddress)}. */
    public static final String BUILTIN_ORIGIN = "builtin";

    public FerryConfig {
        Objects.requireNonNull(proxyName, "proxyName");
        Objects.requireNonNull(stateDir, "stateDir");
        Checks.range(eventLoops, 0, Integer.MAX_VALUE, "eventLoops");
        listeners = List.copyOf(listeners);
        routes = List.copyOf(routes);
        origins = Collections.unmodifiableMap(new LinkedHashMap<>(origins));
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(accessLog, "accessLog");
        Objects.requireNonNull(tunnels, "tunnels");
        Objects.requireNonNull(errors, "errors");
        Objects.requireNonNull(timeouts, "timeouts");
        hooks = List.copyOf(hooks);
        Objects.requireNonNull(privacy, "privacy");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(warmUp, "warmUp");
        if (privacy.isIngress() && !tunnels.connectUdp()) {
            throw new IllegalArgumentException("an ingress needs CONNECT-UDP tunnels");
        }
        if (privacy.isEgress() && accessLog.fields() != null && accessLog.fields().linksClientToTarget()) {
            throw new IllegalArgumentException("an egress never logs the client address with the target");
        }
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is needed");
        }
        Set<String> names = new HashSet<>();
        for (ListenerConfig l : listeners) {
            if (!names.add(l.name())) {
                throw new IllegalArgumentException("duplicate listener name " + l.name());
            }
        }
        if (origins.isEmpty() && !tunnels.enabled()) {
            throw new IllegalArgumentException("at least one origin is needed, unless tunnels are enabled");
        }
        origins.forEach((name, origin) -> {
            if (!name.equals(origin.name())) {
                throw new IllegalArgumentException("origin key " + name + " holds origin " + origin.name());
            }
        });
        for (RouteConfig r : routes) {
            if (!origins.containsKey(r.origin())) {
                throw new IllegalArgumentException("route to unknown origin " + r.origin());
            }
        }
        if (routes.isEmpty() && origins.size() > 1) {
            throw new IllegalArgumentException("routes are needed when there is more than one origin");
        }
    }

    /** Without a warm-up. */
    public FerryConfig(String proxyName, Path stateDir, int eventLoops, List<ListenerConfig> listeners,
                       List<RouteConfig> routes, Map<String, OriginConfig> origins, HeadersConfig headers,
                       AccessLogConfig accessLog, TunnelsConfig tunnels, ErrorsConfig errors,
                       ExchangeTimeoutsConfig timeouts, List<HookConfig> hooks, PrivacyConfig privacy,
                       AdminConfig admin) {
        this(proxyName, stateDir, eventLoops, listeners, routes, origins, headers, accessLog, tunnels, errors,
                timeouts, hooks, privacy, admin, WarmUpConfig.off());
    }

    /** Without the admin endpoint. */
    public FerryConfig(String proxyName, Path stateDir, int eventLoops, List<ListenerConfig> listeners,
                       List<RouteConfig> routes, Map<String, OriginConfig> origins, HeadersConfig headers,
                       AccessLogConfig accessLog, TunnelsConfig tunnels, ErrorsConfig errors,
                       ExchangeTimeoutsConfig timeouts, List<HookConfig> hooks, PrivacyConfig privacy) {
        this(proxyName, stateDir, eventLoops, listeners, routes, origins, headers, accessLog, tunnels, errors,
                timeouts, hooks, privacy, AdminConfig.disabled());
    }

    /** A configuration that is no hop of a privacy relay. */
    public FerryConfig(String proxyName, Path stateDir, int eventLoops, List<ListenerConfig> listeners,
                       List<RouteConfig> routes, Map<String, OriginConfig> origins, HeadersConfig headers,
                       AccessLogConfig accessLog, TunnelsConfig tunnels, ErrorsConfig errors,
                       ExchangeTimeoutsConfig timeouts, List<HookConfig> hooks) {
        this(proxyName, stateDir, eventLoops, listeners, routes, origins, headers, accessLog, tunnels, errors,
                timeouts, hooks, PrivacyConfig.none());
    }

    /** A configuration without a hook chain of its own. */
    public FerryConfig(String proxyName, Path stateDir, int eventLoops, List<ListenerConfig> listeners,
                       List<RouteConfig> routes, Map<String, OriginConfig> origins, HeadersConfig headers,
                       AccessLogConfig accessLog, TunnelsConfig tunnels, ErrorsConfig errors,
                       ExchangeTimeoutsConfig timeouts) {
        this(proxyName, stateDir, eventLoops, listeners, routes, origins, headers, accessLog, tunnels, errors,
                timeouts, List.of());
    }

    /** A configuration with the default exchange deadlines. */
    public FerryConfig(String proxyName, Path stateDir, int eventLoops, List<ListenerConfig> listeners,
                       List<RouteConfig> routes, Map<String, OriginConfig> origins, HeadersConfig headers,
                       AccessLogConfig accessLog, TunnelsConfig tunnels, ErrorsConfig errors) {
        this(proxyName, stateDir, eventLoops, listeners, routes, origins, headers, accessLog, tunnels, errors,
                ExchangeTimeoutsConfig.defaults());
    }

    /** A configuration with the default error answers. */
    public FerryConfig(String proxyName, Path stateDir, int eventLoops, List<ListenerConfig> listeners,
                       List<RouteConfig> routes, Map<String, OriginConfig> origins, HeadersConfig headers,
                       AccessLogConfig accessLog, TunnelsConfig tunnels) {
        this(proxyName, stateDir, eventLoops, listeners, routes, origins, headers, accessLog, tunnels,
                ErrorsConfig.defaults());
    }

    /** A configuration without tunnels. */
    public FerryConfig(String proxyName, Path stateDir, int eventLoops, List<ListenerConfig> listeners,
                       List<RouteConfig> routes, Map<String, OriginConfig> origins, HeadersConfig headers,
                       AccessLogConfig accessLog) {
        this(proxyName, stateDir, eventLoops, listeners, routes, origins, headers, accessLog,
                TunnelsConfig.disabled());
    }

    /** This configuration with {@code tunnels} instead of its own. */
    public FerryConfig withTunnels(TunnelsConfig tunnels) {
        return new FerryConfig(proxyName, stateDir, eventLoops, listeners, routes, origins, headers, accessLog,
                tunnels, errors, timeouts, hooks, privacy, admin, warmUp);
    }

    /** This configuration with {@code admin} instead of its own. */
    public FerryConfig withAdmin(AdminConfig admin) {
        return new FerryConfig(proxyName, stateDir, eventLoops, listeners, routes, origins, headers, accessLog,
                tunnels, errors, timeouts, hooks, privacy, admin, warmUp);
    }

    /** This configuration with {@code warmUp} instead of its own. */
    public FerryConfig withWarmUp(WarmUpConfig warmUp) {
        return new FerryConfig(proxyName, stateDir, eventLoops, listeners, routes, origins, headers, accessLog,
                tunnels, errors, timeouts, hooks, privacy, admin, warmUp);
    }

    /** This configuration as the {@code privacy} hop given, with {@code headers} (which the role may constrain). */
    public FerryConfig withPrivacy(PrivacyConfig privacy, HeadersConfig headers) {
        return new FerryConfig(proxyName, stateDir, eventLoops, listeners, routes, origins, headers, accessLog,
                tunnels, errors, timeouts, hooks, privacy, admin, warmUp);
    }

    /**
     * The configuration used without a file: one listener on 127.0.0.1:8443 with a generated certificate, one h1
     * origin named {@value #BUILTIN_ORIGIN} at {@code builtinOrigin}, no explicit routes, everything else default.
     */
    public static FerryConfig defaults(InetSocketAddress builtinOrigin) {
        return new FerryConfig(DEFAULT_PROXY_NAME, defaultStateDir(), 0, List.of(ListenerConfig.defaults()),
                List.of(), Map.of(BUILTIN_ORIGIN, OriginConfig.of(BUILTIN_ORIGIN, builtinOrigin)),
                HeadersConfig.defaults(), AccessLogConfig.defaults());
    }

    /** The fields each access log line holds: {@code access-log.fields}, or this relay's privacy role's default. */
    public AccessLogFields accessLogFields() {
        return accessLog.fieldsFor(privacy);
    }

    /** {@code ~/.local/state/ferry}, following the XDG base directory convention for state. */
    public static Path defaultStateDir() {
        return Path.of(System.getProperty("user.home"), ".local", "state", "ferry");
    }

    /**
     * The routes to use: the explicit ones, or a catch-all to the only origin when there are none, or none at all
     * for a tunnel-only relay without origins (every plain request then matches nothing: 404).
     */
    public List<RouteConfig> effectiveRoutes() {
        if (!routes.isEmpty() || origins.isEmpty()) {
            return routes;
        }
        return List.of(RouteConfig.catchAll(origins.keySet().iterator().next()));
    }
}
