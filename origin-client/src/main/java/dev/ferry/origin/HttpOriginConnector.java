package dev.ferry.origin;

import dev.ferry.http3.client.Http3Client;
import dev.ferry.bridge.exchange.OriginConnector;
import dev.ferry.bridge.exchange.OriginExchange;
import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Connects exchanges to one HTTP/1.1, HTTP/2 or HTTP/3 origin. Connections are kept per event loop (an exchange's origin
 * connection always lives on its client stream's loop), and each loop spreads its exchanges over the origin's
 * endpoints by the origin's {@link LoadBalancing} policy, skipping those that passive health ejected
 * ({@link EndpointHealth}) or active checks found unhealthy ({@link ActiveHealthChecker}). A connect failure moves
 * the exchange to the next endpoint, since the origin cannot have seen the request.
 */
public final class HttpOriginConnector implements OriginConnector {
    private final OriginSettings settings;
    private final OriginBootstraps bootstraps;
    private final Map<EventLoop, LoopState> loops = new ConcurrentHashMap<>();
    /** Null without active health checks. */
    private final ActiveHealthChecker activeHealth;
    private final List<String> endpointNames;

    private HttpOriginConnector(OriginSettings settings, Consumer<String> events) {
        this.settings = settings;
        this.bootstraps = new OriginBootstraps(settings);
        this.endpointNames = settings.endpoints().stream().map(a -> a.getHostString() + ":" + a.getPort()).toList();
        this.activeHealth = settings.balancing().healthCheck() == null ? null
                : ActiveHealthChecker.start(settings, bootstraps, events);
    }

    public static HttpOriginConnector create(OriginSettings settings) {
        return new HttpOriginConnector(settings, event -> { });
    }

    /**
     * A connector that reports what operators want to know as it happens, one line each: an endpoint that active
     * health checks took out of the rotation or brought back.
     */
    public static HttpOriginConnector create(OriginSettings settings, Consumer<String> events) {
        return new HttpOriginConnector(settings, events);
    }


    public OriginSettings settings() {
        return settings;
    }

    @Override
    public OriginExchange open(EventLoop eventLoop, RequestHead originRequest, OriginListener listener) {
        LoopState state = loops.computeIfAbsent(eventLoop, LoopState::new);
        if (settings.protocol() == OriginProtocol.H1) {
            Http1OriginExchange exchange = new Http1OriginExchange(settings.name(), originRequest, listener);
            acquireHttp1(state, exchange, originRequest, 0L);
            return exchange;
        }
        if (settings.protocol() == OriginProtocol.H3) {
            Http3OriginExchange exchange = new Http3OriginExchange(settings.name(), originRequest, listener);
            exchange.reopenWith(() -> openHttp3(state, exchange, originRequest, 0L));
            openHttp3(state, exchange, originRequest, 0L);
            return exchange;
        }
        Http2OriginExchange exchange = new Http2OriginExchange(settings.name(), originRequest, listener,
                settings.sslContext() != null);
        exchange.reopenWith(() -> openHttp2(state, exchange, originRequest, 0L));
        openHttp2(state, exchange, originRequest, 0L);
        return exchange;
    }

    /**
     * Gets an HTTP/1.1 connection for {@code exchange} from the next endpoint not yet {@code tried}; a connect
     * failure counts against that endpoint and moves on to the next, since the origin cannot have seen the request.
     */
    private void acquireHttp1(LoopState state, Http1OriginExchange exchange, RequestHead request, long tried) {
        int index = state.picker.pick(tried, System.nanoTime(), request);
        exchange.countOn(state.picker, index);
        Http1ConnectionPool pool = state.http1[index];
        long nowTried = EndpointPicker.markTried(tried, index);
        pool.acquire().addListener(f -> {
            if (f.isSuccess()) {
                state.picker.health(index).succeeded();
                exchange.attach((io.netty.channel.Channel) f.getNow(), pool);
            } else if (!failOver(state, index, nowTried, f.cause(), exchange)) {
                exchange.fail(f.cause());
            } else {
                acquireHttp1(state, exchange, request, nowTried);
            }
        });
    }

    /** The HTTP/2 counterpart of {@link #acquireHttp1}: a stream on the next endpoint's shared connection. */
    private void openHttp2(LoopState state, Http2OriginExchange exchange, RequestHead request, long tried) {
        int index = state.picker.pick(tried, System.nanoTime(), request);
        exchange.countOn(state.picker, index);
        long nowTried = EndpointPicker.markTried(tried, index);
        state.http2[index].openStream(exchange, () -> state.picker.health(index).succeeded(), cause -> {
            if (!failOver(state, index, nowTried, cause, exchange)) {
                exchange.fail(cause);
            } else {
                openHttp2(state, exchange, request, nowTried);
            }
        });
    }

    /** The HTTP/3 counterpart: a request stream on the next endpoint's shared QUIC connection. */
    private void openHttp3(LoopState state, Http3OriginExchange exchange, RequestHead request, long tried) {
        int index = state.picker.pick(tried, System.nanoTime(), request);
        exchange.countOn(state.picker, index);
        long nowTried = EndpointPicker.markTried(tried, index);
        state.http3[index].openStream(exchange, () -> state.picker.health(index).succeeded(), cause -> {
            if (!failOver(state, index, nowTried, cause, exchange)) {
                exchange.fail(cause);
            } else {
                openHttp3(state, exchange, request, nowTried);
            }
        });
    }

    /**
     * Records a failed attempt on {@code endpoint} and says whether another endpoint should be tried: only after a
     * connect failure (a full pool is not the endpoint's fault), only while the exchange still wants a connection,
     * and only while an untried endpoint is left.
     */
    private boolean failOver(LoopState state, int endpoint, long tried, Throwable cause, OriginStreamExchange exchange) {
        if (cause instanceof PoolFullException) {
            return false;
        }
        state.picker.health(endpoint).failed(System.nanoTime());
        return !exchange.isDone() && state.picker.anyUntried(tried);
    }

    /** Endpoint ejections so far, summed over event loops (passive health, see {@link EndpointHealth}). */
    public long ejections() {
        long sum = 0;
        for (LoopState state : loops.values()) {
            sum += state.picker.ejections();
        }
        return sum;
    }

    @Override
    public void close() {
        if (activeHealth != null) {
            activeHealth.close();
        }
        for (LoopState state : loops.values()) {
            for (Http1ConnectionPool pool : state.http1) {
                if (pool != null) {
                    onLoop(state, pool::close);
                }
            }
            for (Http2OriginConnection c : state.http2) {
                if (c != null) {
                    onLoop(state, c::close);
                }
            }
            for (Http3OriginConnection c : state.http3) {
                if (c != null) {
                    onLoop(state, c::close);
                }
            }
            if (state.http3Client != null) {
                state.http3Client.close();
            }
        }
    }

    /** Runs {@code task} on the loop's thread; nothing to do when the loop has already stopped with its channels. */
    private static void onLoop(LoopState state, Runnable task) {
        try {
            state.loop.execute(task);
        } catch (RejectedExecutionException stopped) {
            // The loop closed every channel it had when it stopped.
        }
    }

    /**
     * The origin's connections summed over every event loop, each loop counting its own on its own thread (the
     * pools are not shared, so nothing on the request path pays for this). For a metrics scrape.
     */
    public CompletableFuture<PoolStats> poolStats() {
        CompletableFuture<PoolStats> total = CompletableFuture.completedFuture(PoolStats.EMPTY);
        for (LoopState state : loops.values()) {
            CompletableFuture<PoolStats> one = new CompletableFuture<>();
            try {
                state.loop.execute(() -> one.complete(state.stats()));
            } catch (RejectedExecutionException e) {
                one.complete(PoolStats.EMPTY); // the loop is shutting down with the relay
            }
            total = total.thenCombine(one, PoolStats::plus);
        }
        return total;
    }

    /** What one event loop holds for this origin; touched only on that loop after creation. */
    private final class LoopState {
        final EventLoop loop;
        final Http1ConnectionPool[] http1;
        final Http2OriginConnection[] http2;
        final Http3OriginConnection[] http3;
        /** This loop's QUIC client for an HTTP/3 origin: its sockets and connections live on this loop. */
        final Http3Client http3Client;
        final EndpointPicker picker;

        LoopState(EventLoop loop) {
            this.loop = loop;
            List<InetSocketAddress> endpoints = settings.endpoints();
            http1 = new Http1ConnectionPool[endpoints.size()];
            http2 = new Http2OriginConnection[endpoints.size()];
            http3 = new Http3OriginConnection[endpoints.size()];
            picker = new EndpointPicker(endpointNames, settings.balancing(), activeHealth);
            http3Client = settings.protocol() == OriginProtocol.H3 ? http3Client(loop) : null;
            for (int i = 0; i < endpoints.size(); i++) {
                switch (settings.protocol()) {
                    case H1 -> http1[i] = new Http1ConnectionPool(loop, endpoints.get(i), bootstraps, settings);
                    case H3 -> http3[i] = new Http3OriginConnection(loop, endpoints.get(i), http3Client,
                            settings.serverName());
                    default -> http2[i] = new Http2OriginConnection(loop, endpoints.get(i), bootstraps);
                }
            }
        }

        PoolStats stats() {
            PoolStats sum = PoolStats.EMPTY;
            for (int i = 0; i < http1.length; i++) {
                if (http1[i] != null) {
                    sum = sum.plus(http1[i].stats());
                } else if (http2[i] != null) {
                    sum = sum.plus(http2[i].stats());
                } else if (http3[i] != null) {
                    sum = sum.plus(http3[i].stats());
                }
            }
            return sum;
        }

        private Http3Client http3Client(EventLoop loop) {
            Http3Client.Builder b = Http3Client.builder().group(loop)
                    .insecure(!settings.verifyHostname())
                    .connectTimeout(java.time.Duration.ofMillis(settings.connectTimeoutMillis()))
                    .maxIdleTimeout(java.time.Duration.ofMillis(settings.idleTimeoutMillis()));
            if (settings.caFile() != null) {
                b.caFile(settings.caFile());
            }
            return b.build();
        }
    }
}
