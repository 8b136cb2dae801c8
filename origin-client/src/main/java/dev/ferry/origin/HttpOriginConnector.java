package dev.ferry.origin;

import dev.ferry.bridge.exchange.OriginConnector;
import dev.ferry.bridge.exchange.OriginExchange;
import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connects exchanges to one HTTP/1.1 or HTTP/2 origin. Connections are kept per event loop (an exchange's origin
 * connection always lives on its client stream's loop), and each loop spreads its exchanges round-robin over the
 * origin's endpoints.
 */
public final class HttpOriginConnector implements OriginConnector {
    private final OriginSettings settings;
    private final OriginBootstraps bootstraps;
    private final Map<EventLoop, LoopState> loops = new ConcurrentHashMap<>();

    private HttpOriginConnector(OriginSettings settings) {
        this.settings = settings;
        this.bootstraps = new OriginBootstraps(settings);
    }

    public static HttpOriginConnector create(OriginSettings settings) {
        return new HttpOriginConnector(settings);
    }

    public OriginSettings settings() {
        return settings;
    }

    @Override
    public OriginExchange open(EventLoop eventLoop, RequestHead originRequest, OriginListener listener) {
        LoopState state = loops.computeIfAbsent(eventLoop, LoopState::new);
        int index = state.nextEndpoint();
        if (settings.protocol() == OriginProtocol.H1) {
            Http1ConnectionPool pool = state.http1[index];
            Http1OriginExchange exchange = new Http1OriginExchange(settings.name(), originRequest, listener, pool);
            pool.acquire().addListener(f -> {
                if (f.isSuccess()) {
                    exchange.attach((io.netty.channel.Channel) f.getNow());
                } else {
                    exchange.fail(f.cause());
                }
            });
            return exchange;
        }
        Http2OriginExchange exchange = new Http2OriginExchange(settings.name(), originRequest, listener,
                settings.sslContext() != null);
        state.http2[index].openStream(exchange);
        return exchange;
    }

    @Override
    public void close() {
        for (LoopState state : loops.values()) {
            for (Http2OriginConnection c : state.http2) {
                if (c != null) {
                    state.loop.execute(c::close);
                }
            }
        }
    }

    /** What one event loop holds for this origin; touched only on that loop after creation. */
    private final class LoopState {
        final EventLoop loop;
        final Http1ConnectionPool[] http1;
        final Http2OriginConnection[] http2;
        int next;

        LoopState(EventLoop loop) {
            this.loop = loop;
            List<InetSocketAddress> endpoints = settings.endpoints();
            http1 = new Http1ConnectionPool[endpoints.size()];
            http2 = new Http2OriginConnection[endpoints.size()];
            for (int i = 0; i < endpoints.size(); i++) {
                if (settings.protocol() == OriginProtocol.H1) {
                    http1[i] = new Http1ConnectionPool(loop, endpoints.get(i), bootstraps, settings);
                } else {
                    http2[i] = new Http2OriginConnection(loop, endpoints.get(i), bootstraps);
                }
            }
        }

        int nextEndpoint() {
            int i = next;
            next = (next + 1) % http1.length;
            return i;
        }
    }
}
