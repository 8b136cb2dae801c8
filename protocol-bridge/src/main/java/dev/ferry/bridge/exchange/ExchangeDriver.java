package dev.ferry.bridge.exchange;

import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.TunnelCounters;
import dev.ferry.bridge.tunnel.TunnelSettings;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts exchanges: the shared, immutable part (hooks, routing, settings) that every {@link Exchange} reads.
 * One driver serves every listener and event loop; it holds no per-exchange state.
 */
public final class ExchangeDriver {
    private final List<ProxyHook> hooks;
    private final OriginSelector selector;
    private final Settings settings;
    private final TunnelSettings tunnels;
    private final TunnelCounters tunnelTotals = new TunnelCounters();
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
        this.hooks = List.copyOf(hooks);
        this.selector = Objects.requireNonNull(selector, "selector");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tunnels = tunnels;
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
        if (clientRequest.isConnect()) {
            TunnelExchange tunnel = new TunnelExchange(this, tunnels, client, ctx, clientRequest);
            tunnel.start();
            return tunnel;
        }
        Exchange exchange = new Exchange(this, client, ctx, clientRequest);
        exchange.start();
        return exchange;
    }

    /** Reports a request that never became an exchange (malformed) to the hooks' {@code onComplete}. */
    public void reportRejected(InetSocketAddress clientAddress, String clientProtocol,
                               dev.ferry.bridge.error.ProxyException error) {
        ExchangeContext ctx = new ExchangeContext(ids.incrementAndGet(), clientAddress, clientProtocol,
                System.nanoTime());
        Exchange.reportRejected(hooks, ctx, error);
    }

    /** Bytes, datagrams and drops of every tunnel that ended so far. */
    public TunnelCounters tunnelTotals() {
        return tunnelTotals;
    }

    /** The tunnels served, or null. */
    public TunnelSettings tunnels() {
        return tunnels;
    }

    List<ProxyHook> hooks() {
        return hooks;
    }

    OriginSelector selector() {
        return selector;
    }

    public Settings settings() {
        return settings;
    }
}
