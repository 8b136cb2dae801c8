package dev.ferry.app.server;

import dev.ferry.bridge.transport.Transport;
import java.util.Set;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.ListenerConfig;
import dev.ferry.app.admin.AdminServer;
import dev.ferry.app.config.QuicConfig;
import dev.ferry.app.metrics.RelayMetrics;
import dev.ferry.app.config.TunnelsConfig;
import dev.ferry.bridge.tunnel.TunnelCounters;
import dev.ferry.bridge.exchange.ExchangeDriver;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.ingress.Http3Listener;
import dev.ferry.ingress.QuicListenerSettings;
import dev.ferry.ingress.RetryTokens;
import dev.ferry.app.config.AddressValidationConfig;
import dev.ferry.tcpingress.TcpListener;
import dev.ferry.tcpingress.TcpListenerSettings;
import dev.ferry.tcpingress.TcpTls;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicSslContext;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.function.Consumer;

/**
 * A running relay built from a {@link FerryConfig}: one event loop group, one HTTP/3 listener per configured
 * listener, one connector per origin, and the hook chain (user hooks first, then forwarding, then the access log).
 * Thin by design: each piece it wires lives in its own module.
 */
public final class FerryServer implements AutoCloseable {
    /** The configuration running now; a reload replaces it. */
    private volatile FerryConfig config;
    private final List<ProxyHook> userHooks;
    private final Consumer<String> accessLog;
    private final EventLoopGroup group;
    /** The bound listeners in configuration order; a reload that adds or removes listeners replaces the list. */
    private volatile List<BoundListener> bound = List.of();
    /** The exchange path new exchanges take; a reload replaces it. */
    private ExchangePath path;
    /** Listeners a reload removed, draining; closed at once if the relay stops first. */
    private final Set<BoundListener> removedListeners = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Replaced paths whose last exchanges are still running; closed as each drains, or with the relay. */
    private final Set<ExchangePath> draining = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final RelayMetrics metrics = new RelayMetrics();
    private AdminServer admin;
    /** Set when a graceful close begins: /readyz answers 503 from then on. */
    private volatile boolean stopping;
    private volatile boolean closed;
    private ExchangeDriver driver;
    /** How the warm-up went; null when there was none. */
    private WarmUp.Result warmUp;

    private FerryServer(FerryConfig config, List<ProxyHook> userHooks, Consumer<String> accessLog) {
        this.config = config;
        this.userHooks = List.copyOf(userHooks);
        this.accessLog = accessLog;
        int threads = config.eventLoops() == 0 ? Runtime.getRuntime().availableProcessors() : config.eventLoops();
        this.group = Transport.selected().newGroup(threads);
    }

    /**
     * A server for {@code config}. Hooks given here run before the built-in ones; {@code accessLog} receives
     * one JSON line per exchange when the configuration enables the access log (null: standard output).
     */
    public static FerryServer create(FerryConfig config, List<ProxyHook> hooks, Consumer<String> accessLog) {
        return new FerryServer(config, hooks, accessLog);
    }

    public static FerryServer create(FerryConfig config) {
        return create(config, List.of(), null);
    }

    /**
     * Runs the configured warm-up, then binds every listener; on failure releases everything already started and
     * rethrows.
     */
    public FerryServer start() throws InterruptedException {
        Quic.ensureAvailability();
        if (config.warmUp().enabled()) {
            // Before binding: a client that connects later finds the request path compiled.
            warmUp = WarmUp.run(config);
        }
        try {
            path = ExchangePath.build(config, userHooks, accessLog, metrics, null);
            path.bindMetrics(metrics);
            driver = new ExchangeDriver(path.hooks, path.routes, path.settings, path.tunnels);
            List<BoundListener> started = new ArrayList<>();
            try {
                for (ListenerConfig listener : config.listeners()) {
                    BoundListener b = bind(listener, config);
                    started.add(b);
                    metrics.bindListener(listener.name(), b.quic());
                }
            } finally {
                bound = List.copyOf(started);
            }
            metrics.bindTunnels(driver);
            if (config.admin().enabled()) {
                admin = AdminServer.start(config.admin(), group, metrics, new AdminView());
            }
            return this;
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The listener's Retry token handler, or null when address validation is off. */
    private static RetryTokens retryTokens(AddressValidationConfig config) {
        if (!config.enabled()) {
            return null;
        }
        return new RetryTokens(config.mode().equals("always") ? RetryTokens.Mode.ALWAYS : RetryTokens.Mode.AUTO,
                config.autoAbove(), config.tokenLifetime().toMillis(), System::currentTimeMillis);
    }

    /** Attempts at a free port shared by UDP and TCP, for a listener asked for port 0. */
    private static final int SHARED_PORT_ATTEMPTS = 20;

    /** Binds one listener as {@code cfg} (the configuration it belongs to) describes it. */
    private BoundListener bind(ListenerConfig listener, FerryConfig cfg) throws InterruptedException {
        TunnelsConfig tunnelsConfig = cfg.tunnels();
        ListenerTls.Files files = ListenerTls.files(listener, cfg.stateDir());
        QuicConfig q = listener.quic();
        QuicListenerSettings quic = QuicListenerSettings.builder()
                .transport(q.maxIdleTimeout(), q.initialMaxData(), q.initialMaxStreamData(), q.maxConcurrentStreams())
                .tunnels(tunnelsConfig.connectUdp(), tunnelsConfig.connectUdp() && tunnelsConfig.datagrams())
                .maxFieldSectionSize(q.maxFieldSectionSize())
                .maxUdpPayload(q.maxUdpPayload())
                .requestHeadTimeout(cfg.timeouts().requestHead())
                .retryTokens(retryTokens(q.addressValidation()))
                .earlyData(q.earlyData())
                .hqInterop(q.applicationProtocol().equals(QuicConfig.HQ_INTEROP))
                .qlogDir(q.qlogDir() == null ? null : q.qlogDir().toString())
                .build();
        return startListener(listener, files, quic, cfg);
    }

    /**
     * Binds a listener's QUIC side and, when enabled, its TCP side. With the same port on both (the default) and
     * port 0, the QUIC side picks a free port and the TCP side takes the same; when that TCP port is taken, both
     * try again with another.
     */
    private BoundListener startListener(ListenerConfig listener, ListenerTls.Files files, QuicListenerSettings quic,
                                        FerryConfig cfg) throws InterruptedException {
        TunnelsConfig tunnelsConfig = cfg.tunnels();
        boolean samePort = listener.tcp().enabled() && listener.tcp().address() == null;
        int attempts = samePort && listener.address().getPort() == 0 ? SHARED_PORT_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            QuicSslContext tls = ListenerTls.context(files, tunnelsConfig.auth().clientCa(), quic.earlyData(),
                    listener.quic().applicationProtocol());
            Http3Listener h3 = Http3Listener.create(listener.address(), tls, quic, driver, group).start();
            if (!listener.tcp().enabled()) {
                return new BoundListener(listener, h3, null);
            }
            InetSocketAddress quicAddress = h3.localAddress();
            InetSocketAddress tcpAddress = samePort ? quicAddress : listener.tcp().address();
            TcpListenerSettings tcp = TcpListenerSettings.defaults()
                    .withMaxFieldSectionSize(listener.quic().maxFieldSectionSize())
                    .withRequestHeadTimeout(cfg.timeouts().requestHead())
                    .withExtendedConnect(tunnelsConfig.connectUdp());
            if (listener.tcp().altSvc()) {
                tcp = tcp.withAltSvc(TcpListenerSettings.http3AltSvc(quicAddress.getPort(),
                        listener.tcp().altSvcMaxAge()));
            }
            try {
                TcpListener bound = TcpListener.create(tcpAddress, TcpTls.serverContext(files.certificate(),
                        files.privateKey(), tunnelsConfig.auth().clientCa()), tcp, driver, group).start();
                return new BoundListener(listener, h3, bound);
            } catch (InterruptedException e) {
                h3.close();
                throw e;
            } catch (Exception e) {
                h3.close();
                boolean inUse = addressInUse(e);
                if (!inUse || attempt >= attempts) {
                    throw new IllegalStateException("listener " + listener.name() + ": cannot bind TCP "
                            + tcpAddress + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Whether a bind failed because the port is taken: NIO throws {@link java.net.BindException}, epoll a native
     * IOException naming EADDRINUSE, either of them possibly wrapped.
     */
    static boolean addressInUse(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    /** What the warm-up did, in one line; null when the configuration asks for none. */
    public String warmUpSummary() {
        return warmUp == null ? null : warmUp.summary();
    }

    /** The TCP side of each listener, in the order of {@link #listeners()}; null entries for listeners without. */
    public List<TcpListener> tcpListeners() {
        List<TcpListener> tcp = new ArrayList<>();
        bound.forEach(b -> tcp.add(b.tcp()));
        return java.util.Collections.unmodifiableList(tcp);
    }

    /** The bound address of each listener, in configuration order (real ports when port 0 was asked for). */
    public List<InetSocketAddress> listenerAddresses() {
        return bound.stream().map(b -> b.quic().localAddress()).toList();
    }

    /** The listeners themselves, in configuration order: their sockets and how connections spread over them. */
    public List<Http3Listener> listeners() {
        return bound.stream().map(BoundListener::quic).toList();
    }

    /** The socket transport the relay runs on (epoll or NIO). */
    public Transport transport() {
        return Transport.of(group);
    }

    /** How many times passive health checks ejected an origin endpoint, summed over origins and event loops. */
    public long originEjections() {
        ExchangePath current = path;
        return current == null ? 0 : current.originEjections();
    }

    /**
     * Applies {@code next} to new exchanges; running ones finish on the configuration they started with, and what
     * only the old one used (origin connections, tunnel sockets) closes after its last exchange. Settings that
     * live in bound sockets or TLS contexts cannot change this way.
     *
     * @return why {@code next} was refused (the running configuration then stays), or an empty list when applied
     */
    public synchronized List<String> reload(FerryConfig next) {
        if (closed) {
            return List.of("the relay is shutting down");
        }
        List<String> refused = new ArrayList<>(RestartOnlySettings.changes(config, next));
        ListenerChanges listenerChanges = ListenerChanges.plan(bound, next.listeners());
        refused.addAll(listenerChanges.problems());
        if (!refused.isEmpty()) {
            return refused;
        }
        // New listeners first: a port that cannot be had refuses the reload before anything else changed.
        Map<String, BoundListener> byName = new LinkedHashMap<>();
        bound.forEach(b -> byName.put(b.config().name(), b));
        List<BoundListener> newlyBound = new ArrayList<>();
        for (ListenerConfig listener : listenerChanges.added()) {
            try {
                BoundListener b = bind(listener, next);
                newlyBound.add(b);
                byName.put(listener.name(), b);
            } catch (InterruptedException | RuntimeException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                newlyBound.forEach(BoundListener::close);
                return List.of("listeners." + listener.name() + ": cannot bind " + listener.address() + ": "
                        + e.getMessage());
            }
        }
        ExchangePath previous = path;
        ExchangePath built;
        try {
            built = ExchangePath.build(next, userHooks, accessLog, metrics, previous);
        } catch (RuntimeException e) {
            newlyBound.forEach(BoundListener::close);
            return List.of("cannot apply the configuration: " + e.getMessage());
        }
        path = built;
        config = next;
        built.takeOver(previous);
        built.bindMetrics(metrics);
        draining.add(previous);
        // Closed off the event loop whose exchange ended last: closing connectors and the log may wait a moment.
        driver.replace(built.hooks, built.routes, built.settings, built.tunnels).whenCompleteAsync((ignored, e) -> {
            if (draining.remove(previous)) {
                previous.close();
            }
        });
        if (!listenerChanges.none()) {
            bound = next.listeners().stream().map(l -> byName.get(l.name())).toList();
            listenerChanges.added().forEach(l -> metrics.bindListener(l.name(), byName.get(l.name()).quic()));
            listenerChanges.removed().forEach(this::drainRemoved);
        }
        return List.of();
    }

    /** How long a listener a reload removed lets its running requests finish, as a graceful stop does. */
    static final Duration REMOVED_LISTENER_GRACE = Duration.ofSeconds(10);

    /** A listener a reload removed: GOAWAY to its clients now, closed once its requests end (or the grace does). */
    private void drainRemoved(BoundListener listener) {
        metrics.unbindListener(listener.config().name());
        removedListeners.add(listener);
        Thread drain = new Thread(() -> {
            if (runAtOnce(listener.drains(REMOVED_LISTENER_GRACE))) {
                removedListeners.remove(listener);
            }
        }, "ferry-drain-" + listener.config().name());
        drain.setDaemon(true);
        drain.start();
    }

    /** Bytes, datagrams and drops of every tunnel that ended so far (zero when tunnels are off). */
    public TunnelCounters tunnelTotals() {
        return driver == null ? new TunnelCounters() : driver.tunnelTotals();
    }

    public FerryConfig config() {
        return config;
    }

    /**
     * Shuts down gracefully (what Ctrl-C does): every client connection gets GOAWAY, requests already accepted may
     * finish for up to {@code grace}, later ones are refused as safe to retry; then everything closes.
     */
    public void close(Duration grace) {
        stopping = true;
        // Every listener drains at once: one after another, the last would only send GOAWAY once the others had
        // used up their grace, and a stop would take the sum of them.
        List<Runnable> closes = new ArrayList<>();
        for (BoundListener listener : bound) {
            closes.addAll(listener.drains(grace));
        }
        runAtOnce(closes);
        close();
    }

    /** Runs each drain on a thread of its own, all at once, and waits for them; false if interrupted. */
    private static boolean runAtOnce(List<Runnable> drains) {
        List<Thread> threads = new ArrayList<>();
        for (Runnable drain : drains) {
            Thread t = new Thread(drain, "ferry-drain");
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        if (admin != null) {
            admin.close();
        }
        bound.forEach(BoundListener::close);
        removedListeners.forEach(BoundListener::close);
        List<ExchangePath> paths = new ArrayList<>();
        for (ExchangePath replaced : List.copyOf(draining)) {
            if (draining.remove(replaced)) {
                paths.add(replaced);
            }
        }
        if (path != null) {
            paths.add(path);
        }
        paths.forEach(ExchangePath::closeConnections);
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        // After the loops: the access log gets the lines of the exchanges that ended while closing.
        paths.forEach(ExchangePath::closeAccessLog);
        metrics.close();
    }

    /** The admin endpoint's address, or null when it is off. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.localAddress();
    }

    /**
     * The metrics registry (for embedding applications that export it their own way). Exchanges are recorded in it
     * only when the configuration has the admin endpoint on; the listener, origin, tunnel and JVM series always.
     */
    public RelayMetrics metrics() {
        return metrics;
    }

    /** What the admin endpoint reads of this relay. */
    private final class AdminView implements AdminServer.Relay {
        @Override
        public boolean ready() {
            return !stopping && !closed && !bound.isEmpty();
        }

        @Override
        public String notReadyReason() {
            return stopping ? "draining" : "starting";
        }

        @Override
        public FerryConfig config() {
            // The addresses bound, not the ones asked for: port 0 in a file is a real port here.
            return admin == null ? config : config.withAdmin(new dev.ferry.app.config.AdminConfig(true,
                    admin.localAddress(), config.admin().showAddresses()));
        }

        @Override
        public String connectionsJson(boolean showAddresses) {
            StringBuilder j = new StringBuilder("{\"listeners\": [");
            List<BoundListener> now = bound;
            for (int i = 0; i < now.size(); i++) {
                Http3Listener l = now.get(i).quic();
                j.append(i == 0 ? "" : ", ").append("{\"name\": ")
                        .append(dev.ferry.app.admin.ConfigView.quote(now.get(i).config().name()))
                        .append(", \"open\": ").append(l.openConnections()).append(", \"accepted_per_socket\": ")
                        .append(l.acceptedPerSocket());
                if (showAddresses) {
                    j.append(", \"clients\": [").append(l.clientAddresses().stream()
                            .map(a -> "\"" + dev.ferry.bridge.net.HostPort.format(a) + "\"")
                            .collect(java.util.stream.Collectors.joining(", "))).append(']');
                }
                j.append('}');
            }
            return j.append("], \"draining\": ").append(stopping).append("}\n").toString();
        }
    }
}
