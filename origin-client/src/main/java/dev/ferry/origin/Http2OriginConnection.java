package dev.ferry.origin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.util.ReferenceCountUtil;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;

/**
 * The HTTP/2 connection to one endpoint from one event loop, multiplexing every exchange of that loop. A closed
 * connection is replaced on the next request, and so is one that received GOAWAY (its streams below the last
 * stream id finish on it). Streams beyond the origin's concurrency limit wait in order for a free slot
 * ({@link Http2StreamSlots}) rather than being refused.
 */
final class Http2OriginConnection {
    /** The HTTP/2 connection state of {@code parent}'s codec, or null when it has none. */
    static io.netty.handler.codec.http2.Http2Connection http2Connection(Channel parent) {
        io.netty.handler.codec.http2.Http2FrameCodec codec =
                parent.pipeline().get(io.netty.handler.codec.http2.Http2FrameCodec.class);
        return codec == null ? null : codec.connection();
    }

    private final EventLoop loop;
    private final InetSocketAddress endpoint;
    private final OriginBootstraps bootstraps;
    private Future<Channel> connection;

    Http2OriginConnection(EventLoop loop, InetSocketAddress endpoint, OriginBootstraps bootstraps) {
        this.loop = loop;
        this.endpoint = endpoint;
        this.bootstraps = bootstraps;
    }

    /**
     * Opens a new stream whose pipeline holds {@code exchange}; {@code connected} runs once the connection is up,
     * {@code failed} (instead of the exchange failing) when it cannot be had.
     */
    void openStream(Http2OriginExchange exchange, Runnable connected,
                    java.util.function.Consumer<Throwable> failed) {
        Future<Channel> current = connection;
        if (current == null || (current.isDone() && (!current.isSuccess() || !current.getNow().isActive()
                || goneAway(current.getNow())))) {
            current = connect();
        }
        current.addListener(f -> {
            if (!f.isSuccess()) {
                failed.accept(f.cause());
                return;
            }
            connected.run();
            if (exchange.isDone()) {
                return;
            }
            Channel parent = (Channel) f.getNow();
            Http2StreamSlots slots = Http2StreamSlots.of(parent);
            slots.acquire(() -> openOn(parent, slots, exchange));
        });
    }

    private static void openOn(Channel parent, Http2StreamSlots slots, Http2OriginExchange exchange) {
        if (exchange.isDone()) {
            // It ended while waiting for a slot.
            slots.release();
            return;
        }
        new Http2StreamChannelBootstrap(parent).handler(exchange).open().addListener(s -> {
            if (s.isSuccess()) {
                Http2StreamChannel stream = (Http2StreamChannel) s.getNow();
                stream.closeFuture().addListener(c -> slots.release());
                exchange.attach(stream);
            } else {
                slots.release();
                exchange.fail(s.cause());
            }
        });
    }

    /** True once the origin sent GOAWAY on {@code parent}: it takes no new streams there (RFC 9113 6.8). */
    private static boolean goneAway(Channel parent) {
        io.netty.handler.codec.http2.Http2Connection connection = http2Connection(parent);
        return connection != null && connection.goAwayReceived();
    }

    private Future<Channel> connect() {
        Promise<Channel> ready = loop.newPromise();
        ChannelFuture connect = bootstraps.http2(loop, endpoint).connect(endpoint);
        bootstraps.whenReady(connect, ready);
        connection = ready;
        // RFC 9113 6.8: after GOAWAY the origin takes no new streams on this connection; the ones it will still
        // process finish on it, new requests get a new connection.
        connect.channel().pipeline().addLast("goaway", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2GoAwayFrame) {
                    if (connection == ready) {
                        connection = null;
                    }
                }
                ReferenceCountUtil.release(msg);
            }
        });
        connect.channel().closeFuture().addListener(f -> {
            if (connection == ready) {
                connection = null;
            }
        });
        return ready;
    }

    /** One connection if it is up or being opened, with the streams waiting for a slot on it; call on the loop. */
    PoolStats stats() {
        if (connection == null || (connection.isDone() && !connection.isSuccess())) {
            return PoolStats.EMPTY;
        }
        Channel parent = connection.getNow();
        if (parent == null) {
            return new PoolStats(1, 0, 0);
        }
        return parent.isActive() ? new PoolStats(1, 0, Http2StreamSlots.of(parent).waiting()) : PoolStats.EMPTY;
    }

    void close() {
        Future<Channel> current = connection;
        if (current != null && current.isSuccess()) {
            current.getNow().close();
        }
    }
}
