package dev.ferry.app.server;

import dev.ferry.app.config.AccessLogConfig;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.HeadersConfig;
import dev.ferry.app.config.HookConfig;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.PrivacyConfig;
import dev.ferry.app.config.RouteConfig;
import dev.ferry.app.hooks.AccessLogHook;
import dev.ferry.app.metrics.RelayMetrics;
import dev.ferry.bridge.builtin.ForwardingHook;
import dev.ferry.bridge.exchange.ExchangeDriver;
import dev.ferry.bridge.exchange.OriginConnector;
import dev.ferry.bridge.exchange.OriginSelector.SelectedOrigin;
import dev.ferry.bridge.headers.ForwardingPolicy;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.TunnelSettings;
import dev.ferry.origin.HttpOriginConnector;
import dev.ferry.origin.files.FileOriginConnector;
import dev.ferry.privacy.GeoEgress;
import dev.ferry.privacy.IngressPolicy;
import dev.ferry.privacy.SourceNetworkPolicy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What one configuration makes of the exchange path: the hook chain, the route table with a connector per origin,
 * the exchange settings and the tunnels, and the resources they hold open (origin connections, tunnel sockets, the
 * access log file). The relay builds one at start and one more at each reload; a replaced one closes once the last
 * exchange that started on it has ended.
 */
final class ExchangePath implements AutoCloseable {
    final List<ProxyHook> hooks;
    final RouteTable routes;
    final ExchangeDriver.Settings settings;
    /** Null when tunnels are off. */
    final TunnelSettings tunnels;
    private final List<HttpOriginConnector> connectors;
    /** The HTTP origins' connectors by origin name, for the metrics. */
    private final Map<String, HttpOriginConnector> byOrigin;
    private final TunnelWiring tunnelWiring;
    private final AccessLogConfig accessLogConfig;
    /** The access log's writer when this path opened it (not when the caller gave its own sink). */
    private AsyncLineWriter ownAccessLog;

    private ExchangePath(Builder b) {
        this.hooks = b.hooks;
        this.routes = b.routes;
        this.settings = b.settings;
        this.tunnelWiring = b.tunnelWiring;
        this.tunnels = b.tunnelWiring == null ? null : b.tunnelWiring.settings();
        this.connectors = b.connectors;
        this.byOrigin = Map.copyOf(b.byOrigin);
        this.accessLogConfig = b.accessLogConfig;
        this.ownAccessLog = b.ownAccessLog;
    }

    /**
     * Builds the path {@code config} describes. {@code previous} (null at start) lends its access log writer when
     * the log's settings did not change, so a reload neither reopens nor loses the file; it is handed over in
     * {@link #takeOver}. On failure, whatever was opened is closed again.
     *
     * @param userHooks hooks given in code, run after the privacy role and authentication
     * @param accessLog the caller's access log sink, or null for the configured file or standard output
     */
    static ExchangePath build(FerryConfig config, List<ProxyHook> userHooks, Consumer<String> accessLog,
                              RelayMetrics metrics, ExchangePath previous) {
        Builder b = new Builder();
        try {
            b.tunnelWiring = config.tunnels().enabled() ? new TunnelWiring(config.tunnels()) : null;
            b.accessLogConfig = config.accessLog();
            b.hooks = hooks(config, userHooks, accessLog, metrics, previous, b);
            b.routes = routes(config, b);
            b.settings = new ExchangeDriver.Settings(config.proxyName(), config.headers().via(),
                    config.errors().verbose(), config.timeouts().hookDecision().toMillis());
            return new ExchangePath(b);
        } catch (RuntimeException e) {
            b.closeOpened();
            throw e;
        }
    }

    /**
     * Takes over {@code previous}'s access log writer if this path shares it, so that closing {@code previous}
     * later leaves the file open. Call once this path is in use.
     */
    void takeOver(ExchangePath previous) {
        if (previous != null && previous.ownAccessLog != null && previous.ownAccessLog == ownAccessLog) {
            previous.ownAccessLog = null;
        }
    }

    /** Points the origin gauges at this path's connectors: once it is the path in use. */
    void bindMetrics(RelayMetrics metrics) {
        byOrigin.forEach(metrics::bindOrigin);
    }

    /** How many times passive health checks ejected an endpoint of this path's origins. */
    long originEjections() {
        long sum = 0;
        for (HttpOriginConnector connector : connectors) {
            sum += connector.ejections();
        }
        return sum;
    }

    /** Closes everything: after a reload, once the last exchange on this path has ended. */
    @Override
    public void close() {
        closeConnections();
        closeAccessLog();
    }

    /** Origin connections and tunnel sockets: while the event loops still run, since they close on them. */
    void closeConnections() {
        for (HttpOriginConnector connector : connectors) {
            connector.close();
        }
        if (tunnelWiring != null) {
            tunnelWiring.close();
        }
    }

    /** The access log file: last, so that it gets the lines of exchanges that ended while the relay closed. */
    void closeAccessLog() {
        if (ownAccessLog != null) {
            ownAccessLog.close();
        }
    }

    /**
     * The global chain: the configured {@code hooks:} in their order, with each built-in where it is named. A
     * built-in not named keeps its default place: proxy-auth first (no other hook sees a client that did not
     * authenticate), then the hooks given in code, the configured ones, forwarding and the access log last. A
     * privacy role's policy comes before all of them, and the metrics recorder (with the admin endpoint on) after all.
     */
    private static List<ProxyHook> hooks(FerryConfig config, List<ProxyHook> userHooks, Consumer<String> accessLog,
                                         RelayMetrics metrics, ExchangePath previous, Builder b) {
        Map<String, ProxyHook> builtins = new LinkedHashMap<>();
        ProxyHook auth = b.tunnelWiring == null ? null : b.tunnelWiring.authHook(config.proxyName());
        if (auth != null) {
            builtins.put(HookConfig.PROXY_AUTH, auth);
        }
        HeadersConfig headers = config.headers();
        ForwardingPolicy.Mode mode = ForwardingPolicy.Mode.valueOf(headers.forwarding().toUpperCase(Locale.ROOT));
        ForwardingPolicy.Style style = ForwardingPolicy.Style.valueOf(
                headers.forwardingStyle().toUpperCase(Locale.ROOT).replace('-', '_'));
        builtins.put(HookConfig.FORWARDING,
                ForwardingHook.create(ForwardingPolicy.of(mode, style, headers.strip()), config.proxyName()));
        if (config.accessLog().enabled()) {
            Consumer<String> sink = accessLog;
            if (sink == null) {
                boolean unchanged = previous != null && previous.ownAccessLog != null
                        && previous.accessLogConfig.equals(config.accessLog());
                b.ownAccessLog = unchanged ? previous.ownAccessLog : AccessLogSinks.open(config.accessLog());
                b.openedAccessLog = !unchanged;
                sink = b.ownAccessLog;
            }
            builtins.put(HookConfig.ACCESS_LOG, AccessLogHook.create(sink, config.accessLogFields()));
        }
        Set<String> placed = new HashSet<>();
        List<ProxyHook> configured = new ArrayList<>();
        for (HookConfig hook : config.hooks()) {
            if (hook instanceof HookConfig.Plugin plugin) {
                configured.add(plugin.hook());
            } else if (builtins.containsKey(hook.name())) {
                placed.add(hook.name());
                configured.add(builtins.get(hook.name()));
            }
        }
        List<ProxyHook> chain = new ArrayList<>();
        // Before everything, named hooks included: no order written in a file can open a hop to more.
        chain.addAll(privacyRole(config));
        if (auth != null && !placed.contains(HookConfig.PROXY_AUTH)) {
            chain.add(auth);
        }
        chain.addAll(userHooks);
        chain.addAll(configured);
        for (String last : List.of(HookConfig.FORWARDING, HookConfig.ACCESS_LOG)) {
            if (builtins.containsKey(last) && !placed.contains(last)) {
                chain.add(builtins.get(last));
            }
        }
        // Last: it only records how each exchange ended. Only with the admin endpoint on, which is what reads it: the
        // per-exchange cost on the event loops is then all there is to "metrics off".
        if (config.admin().enabled()) {
            chain.add(metrics.exchangeHook());
        }
        return chain;
    }

    private static RouteTable routes(FerryConfig config, Builder b) {
        Map<String, SelectedOrigin> origins = new LinkedHashMap<>();
        for (OriginConfig origin : config.origins().values()) {
            OriginConnector connector;
            if (origin.protocol() == dev.ferry.app.config.OriginProtocol.FILES) {
                connector = FileOriginConnector.create(origin.name(), origin.root());
            } else {
                // Endpoints taken out of the rotation by active health checks, and brought back: one line each.
                HttpOriginConnector http = HttpOriginConnector.create(OriginFactory.settings(origin),
                        event -> System.err.println("ferry: " + event));
                b.connectors.add(http);
                b.byOrigin.put(origin.name(), http);
                connector = http;
            }
            origins.put(origin.name(), new SelectedOrigin(origin.name(), connector,
                    origin.timeouts().response().toMillis(), origin.timeouts().idle().toMillis()));
        }
        return new RouteTable(config.effectiveRoutes(), origins, ExchangePath::routeHooks);
    }

    /** The hooks of this relay's privacy role: none when it is no hop of a privacy relay. */
    private static List<ProxyHook> privacyRole(FerryConfig config) {
        PrivacyConfig privacy = config.privacy();
        List<ProxyHook> role = new ArrayList<>();
        if (privacy.isIngress()) {
            role.add(new IngressPolicy(privacy.nextHops()));
        }
        if (privacy.isEgress() && !privacy.sourceNetworks().isEmpty()) {
            role.add(new SourceNetworkPolicy(privacy.sourceNetworks()));
        }
        if (privacy.isEgress() && !privacy.egressPools().isEmpty()) {
            role.add(new GeoEgress(privacy.egressPools(), config.proxyName()));
        }
        return role;
    }

    private static List<ProxyHook> routeHooks(RouteConfig route) {
        return route.hooks().stream().map(h -> ((HookConfig.Plugin) h).hook()).toList();
    }

    /** What a build has made so far, so that a failed one can close it again. */
    private static final class Builder {
        List<ProxyHook> hooks;
        RouteTable routes;
        ExchangeDriver.Settings settings;
        TunnelWiring tunnelWiring;
        AccessLogConfig accessLogConfig;
        AsyncLineWriter ownAccessLog;
        boolean openedAccessLog;
        final List<HttpOriginConnector> connectors = new ArrayList<>();
        final Map<String, HttpOriginConnector> byOrigin = new LinkedHashMap<>();

        void closeOpened() {
            connectors.forEach(HttpOriginConnector::close);
            if (tunnelWiring != null) {
                tunnelWiring.close();
            }
            if (openedAccessLog && ownAccessLog != null) {
                ownAccessLog.close();
            }
        }
    }
}
