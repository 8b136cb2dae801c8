package dev.ferry.bridge.exchange;

import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.TunnelCounters;
import dev.ferry.bridge.tunnel.TunnelSettings;
import dev.ferry.bridge.tunnel.TunnelTarget;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts exchanges on the current {@link Generation} of the exchange path (hooks, routing, settings, tunnels),
 * which {@link #replace} swaps for a reload while running exchanges finish on theirs. One driver serves every
 * listener and event loop; it holds no per-exchange state.
 */
public final class ExchangeDriver {
    private volatile Generation current;
    private final TunnelCounters tunnelTotals = new TunnelCounters();
    /** The same totals by kind of tunnel, and how many of each kind are open now (counted from the 2xx). */
    private final java.util.EnumMap<TunnelTarget.Kind, TunnelCounters> tunnelTotalsByKind =
            new java.util.EnumMap<>(TunnelTarget.Kind.class);
    private final java.util.EnumMap<TunnelTarget.Kind, java.util.concurrent.atomic.LongAdder> tunnelsOpen =
            new java.util.EnumMap<>(TunnelTarget.Kind.class);
    private final AtomicLong ids = new AtomicLong();

    /**
     * Settings of the exchange path.
     *
     * @param proxyName     the pseudonym written in Via and Proxy-Status (a token)
     * @param via           whether to append Via to requests and responses
     * @param verboseErrors whether Proxy-Status details describe origin and relay errors too (for debugging;
     *                      by default only a client's own mistakes are described)
     * @param deferTimeoutMillis how long a hook's deferred decision may take, 0 for no limit (default 30 s)
     */
    public record Settings(String proxyName, boolean via, boolean verboseErrors, long deferTimeoutMillis) {
        public static final long DEFAULT_DEFER_TIMEOUT_MILLIS = 30_000;

        public Settings {
            Objects.requireNonNull(proxyName, "proxyName");
        }

        public Settings(String proxyName, boolean via, boolean verboseErrors) {
            this(proxyName, via, verboseErrors, DEFAULT_DEFER_TIMEOUT_MILLIS);
        }

        public Settings(String proxyName, boolean via) {
            this(proxyName, via, false);
        }

        public static Settings defaults() {
            return new Settings("ferry", true);
        }
    }

    public ExchangeDriver(List<ProxyHook> hooks, OriginSelector selector, Settings settings) {
        this(hooks, selector, settings, null);
    }

    /**
     * A driver that also serves tunnels.
     *
     * @param tunnels the tunnels served, or null to refuse CONNECT with 403
     */
    public ExchangeDriver(List<ProxyHook> hooks, OriginSelector selector, Settings settings,
                          TunnelSettings tunnels) {
        this.current = generation(hooks, selector, settings, tunnels);
        for (TunnelTarget.Kind kind : TunnelTarget.Kind.values()) {
            tunnelTotalsByKind.put(kind, new TunnelCounters());
            tunnelsOpen.put(kind, new java.util.concurrent.atomic.LongAdder());
        }
    }

    private static Generation generation(List<ProxyHook> hooks, OriginSelector selector, Settings settings,
                                         TunnelSettings tunnels) {
        return new Generation(hooks, Objects.requireNonNull(selector, "selector"),
                Objects.requireNonNull(settings, "settings"), tunnels);
    }

    /**
     * Makes new exchanges start on these hooks, routes, settings and tunnels; exchanges already running finish on
     * what they started with.
     *
     * @return completes when the last exchange of the replaced configuration has ended: then what only it used
     *         (origin connections, tunnel sockets) may be closed
     */
    public synchronized CompletableFuture<Void> replace(List<ProxyHook> hooks, OriginSelector selector,
                                                       Settings settings, TunnelSettings tunnels) {
        Generation old = current;
        current = generation(hooks, selector, settings, tunnels);
        return old.retire();
    }

    /** The current generation, entered: the caller's exchange counts on it until it ends. */
    private Generation enterCurrent() {
        while (true) {
            Generation g = current;
            g.enter();
            if (g == current) {
                return g;
            }
            // Replaced between the read and the count: the old one may already be closing.
            g.exit();
        }
    }

    /**
     * Starts an exchange for a valid client request head. The caller feeds request body events to the returned
     * listener; everything happens on {@code client.eventLoop()}.
     *
     * @param clientProtocol the client's protocol version as written in Via ("3", "2", "1.1")
     */
    public ClientStreamListener start(ClientStream client, InetSocketAddress clientAddress, String clientProtocol,
                                      RequestHead clientRequest) {
        ExchangeContext ctx = new ExchangeContext(ids.incrementAndGet(), clientAddress, clientProtocol,
                System.nanoTime());
        java.security.cert.X509Certificate[] certificates = client.peerCertificates();
        if (certificates != null) {
            ctx.set(ExchangeContext.CLIENT_CERTIFICATES, certificates);
        }
        Generation generation = enterCurrent();
        if (clientRequest.isConnect()) {
            TunnelExchange tunnel = new TunnelExchange(this, generation, client, ctx, clientRequest);
            tunnel.start();
            return tunnel;
        }
        Exchange exchange = new Exchange(generation, client, ctx, clientRequest);
        exchange.start();
        return exchange;
    }

    /** Reports a request that never became an exchange (malformed) to the hooks' {@code onComplete}. */
    public void reportRejected(InetSocketAddress clientAddress, String clientProtocol,
                               dev.ferry.bridge.error.ProxyException error) {
        ExchangeContext ctx = new ExchangeContext(ids.incrementAndGet(), clientAddress, clientProtocol,
                System.nanoTime());
        Exchange.reportRejected(current.hooks, ctx, error);
    }

    /** Bytes, datagrams and drops of every tunnel that ended so far. */
    public TunnelCounters tunnelTotals() {
        return tunnelTotals;
    }

    /** Bytes, datagrams and drops of the ended tunnels of one kind (TCP for CONNECT, UDP for CONNECT-UDP). */
    public TunnelCounters tunnelTotals(TunnelTarget.Kind kind) {
        return tunnelTotalsByKind.get(kind);
    }

    /** Tunnels of {@code kind} open now: answered 2xx and not yet ended. */
    public long tunnelsOpen(TunnelTarget.Kind kind) {
        return tunnelsOpen.get(kind).sum();
    }

    void tunnelOpened(TunnelTarget.Kind kind) {
        tunnelsOpen.get(kind).increment();
    }

    /** A tunnel that {@link #tunnelOpened opened} has ended with these counts. */
    void tunnelEnded(TunnelTarget.Kind kind, TunnelCounters counters) {
        tunnelsOpen.get(kind).decrement();
        counters.addTo(tunnelTotalsByKind.get(kind));
    }

    /** The tunnels new exchanges are served, or null. */
    public TunnelSettings tunnels() {
        return current.tunnels;
    }

    /** The settings new exchanges start with. */
    public Settings settings() {
        return current.settings;
    }
}
