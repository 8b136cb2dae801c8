package dev.ferry.interop.relay;

import dev.ferry.app.config.AccessLogConfig;
import dev.ferry.app.config.AdminConfig;
import dev.ferry.app.config.ErrorsConfig;
import dev.ferry.app.config.ExchangeTimeoutsConfig;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.HeadersConfig;
import dev.ferry.app.config.HookConfig;
import dev.ferry.app.config.PrivacyConfig;
import dev.ferry.app.config.ListenerConfig;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.OriginProtocol;
import dev.ferry.app.config.OriginTlsConfig;
import dev.ferry.app.config.PoolConfig;
import dev.ferry.app.config.QuicConfig;
import dev.ferry.app.config.RouteConfig;
import dev.ferry.app.config.TimeoutsConfig;
import dev.ferry.app.config.TlsFilesConfig;
import dev.ferry.app.config.TunnelsConfig;
import dev.ferry.app.server.FerryServer;
import dev.ferry.bridge.tunnel.TunnelCounters;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A real Ferry relay for integration tests: HTTP/3 on 127.0.0.1 with an ephemeral UDP port, a certificate generated
 * into the test's state directory, the origins the test names, and the access log captured in memory.
 */
public final class FerryRelay implements AutoCloseable {
    private final FerryServer server;
    private final List<String> accessLog;

    private FerryRelay(FerryServer server, List<String> accessLog) {
        this.server = server;
        this.accessLog = accessLog;
    }

    public static Builder builder(Path stateDir) {
        return new Builder(stateDir);
    }

    /** A relay in front of one origin, with default timeouts. */
    public static FerryRelay start(Path stateDir, OriginConfig origin) throws InterruptedException {
        return builder(stateDir).origin(origin).start();
    }

    public InetSocketAddress address() {
        return server.listenerAddresses().get(0);
    }

    public int port() {
        return address().getPort();
    }

    /** {@code https://127.0.0.1:PORT} + path. */
    public String url(String path) {
        return "https://127.0.0.1:" + port() + path;
    }

    /** The access log lines written so far (one JSON object per exchange). */
    public List<String> accessLog() {
        return List.copyOf(accessLog);
    }

    public FerryServer server() {
        return server;
    }

    /**
     * The relay's tunnel totals once {@code done} holds of them, or as they are after 10 s. A tunnel's counts join
     * the totals when it ends, so a test waits for them after closing its tunnels.
     */
    public TunnelCounters awaitTunnelTotals(Predicate<TunnelCounters> done) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        TunnelCounters totals = server().tunnelTotals();
        while (!done.test(totals) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            totals = server().tunnelTotals();
        }
        return totals;
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- origins --------------------------------------------------------------------------------------------

    public static OriginConfig h1(String name, InetSocketAddress endpoint) {
        return origin(name, OriginProtocol.H1, endpoint, OriginTlsConfig.defaults(), TimeoutsConfig.defaults());
    }

    public static OriginConfig h2c(String name, InetSocketAddress endpoint) {
        return origin(name, OriginProtocol.H2C, endpoint, OriginTlsConfig.defaults(), TimeoutsConfig.defaults());
    }

    /** HTTP/2 over TLS with ALPN, verifying the origin's certificate against {@code caFile}. */
    public static OriginConfig h2(String name, InetSocketAddress endpoint, Path caFile, String serverName) {
        return origin(name, OriginProtocol.H2, endpoint, new OriginTlsConfig(true, true, caFile, serverName),
                TimeoutsConfig.defaults());
    }

    public static OriginConfig origin(String name, OriginProtocol protocol, InetSocketAddress endpoint,
                                      OriginTlsConfig tls, TimeoutsConfig timeouts) {
        return new OriginConfig(name, protocol, List.of(endpoint), tls, timeouts, PoolConfig.defaults());
    }

    public static TimeoutsConfig timeouts(Duration connect, Duration response, Duration idle) {
        return new TimeoutsConfig(connect, response, idle);
    }

    /** Builds and starts a relay. */
    public static final class Builder {
        private final Path stateDir;
        private final Map<String, OriginConfig> origins = new LinkedHashMap<>();
        private final List<RouteConfig> routes = new ArrayList<>();
        private HeadersConfig headers = HeadersConfig.defaults();
        private QuicConfig quic = QuicConfig.defaults();
        private int eventLoops = 2;
        private TunnelsConfig tunnels = TunnelsConfig.disabled();
        private ExchangeTimeoutsConfig exchangeTimeouts = ExchangeTimeoutsConfig.defaults();
        private List<HookConfig> hooks = List.of();
        private PrivacyConfig privacy = PrivacyConfig.none();
        private AdminConfig admin = AdminConfig.disabled();

        private Builder(Path stateDir) {
            this.stateDir = stateDir;
        }

        public Builder origin(OriginConfig origin) {
            origins.put(origin.name(), origin);
            return this;
        }

        public Builder route(String authority, String pathPrefix, String origin) {
            return route(new RouteConfig(authority, pathPrefix, origin));
        }

        /** A route as configured, its own hooks included. */
        public Builder route(RouteConfig route) {
            routes.add(route);
            return this;
        }

        public Builder headers(HeadersConfig headers) {
            this.headers = headers;
            return this;
        }

        public Builder quic(QuicConfig quic) {
            this.quic = quic;
            return this;
        }

        /** Tunnels (CONNECT, CONNECT-UDP) as configured; off by default. */
        public Builder tunnels(TunnelsConfig tunnels) {
            this.tunnels = tunnels;
            return this;
        }

        /** Deadlines of the exchange path itself (request head, hook decision); the defaults unless set. */
        public Builder timeouts(ExchangeTimeoutsConfig timeouts) {
            this.exchangeTimeouts = timeouts;
            return this;
        }

        /** The global hook chain, as {@code hooks:} in a file would give it; none by default. */
        public Builder hooks(List<HookConfig> hooks) {
            this.hooks = List.copyOf(hooks);
            return this;
        }

        /** This relay's hop in a two-hop privacy relay; none by default. */
        public Builder privacy(PrivacyConfig privacy) {
            this.privacy = privacy;
            return this;
        }

        /** The admin endpoint ({@code /metrics}, {@code /readyz}, ...); off by default. Bind it to port 0. */
        public Builder admin(AdminConfig admin) {
            this.admin = admin;
            return this;
        }

        public Builder eventLoops(int eventLoops) {
            this.eventLoops = eventLoops;
            return this;
        }

        public FerryRelay start() throws InterruptedException {
            ListenerConfig listener = new ListenerConfig("test", new InetSocketAddress("127.0.0.1", 0),
                    TlsFilesConfig.defaults(), quic);
            FerryConfig config = new FerryConfig("ferry", stateDir, eventLoops, List.of(listener), routes, origins,
                    headers, new AccessLogConfig(true, "-"), tunnels, ErrorsConfig.defaults(), exchangeTimeouts, hooks,
                    privacy).withAdmin(admin);
            List<String> log = new CopyOnWriteArrayList<>();
            FerryServer server = FerryServer.create(config, List.of(), log::add).start();
            return new FerryRelay(server, log);
        }
    }
}
