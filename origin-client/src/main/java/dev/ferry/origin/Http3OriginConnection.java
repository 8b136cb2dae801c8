package dev.ferry.origin;

import dev.ferry.http3.StreamWriteCoalescer;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ConnectionHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The QUIC connection to one HTTP/3 endpoint from one event loop, multiplexing every exchange of that loop, as
 * {@link Http2OriginConnection} does for HTTP/2. A connection that closed (its idle timeout, the origin's
 * CONNECTION_CLOSE) or that received GOAWAY is replaced on the next request; streams beyond what the origin allows
 * (its MAX_STREAMS) wait in order for one to open up.
 */
final class Http3OriginConnection {
    /** How often a stream waiting for the origin's MAX_STREAMS looks again; QUIC gives no event for it. */
    private static final long STREAM_CREDIT_POLL_MILLIS = 5;

    private final EventLoop loop;
    private final InetSocketAddress endpoint;
    private final Http3Client client;
    private final String serverName;
    private CompletableFuture<Http3Connection> connection;

    Http3OriginConnection(EventLoop loop, InetSocketAddress endpoint, Http3Client client, String serverName) {
        this.loop = loop;
        this.endpoint = endpoint;
        this.client = client;
        this.serverName = serverName != null ? serverName : endpoint.getHostString();
    }

    /**
     * Opens a new request stream whose pipeline holds {@code exchange}; {@code connected} runs once the connection
     * is up, {@code failed} (instead of the exchange failing) when it cannot be had.
     */
    void openStream(Http3OriginExchange exchange, Runnable connected, Consumer<Throwable> failed) {
        CompletableFuture<Http3Connection> current = connection;
        if (current == null || (current.isDone() && (current.isCompletedExceptionally()
                || !usable(current.getNow(null))))) {
            current = connect();
        }
        current.whenComplete((c, cause) -> loop.execute(() -> {
            if (cause != null) {
                failed.accept(cause);
                return;
            }
            connected.run();
            whenStreamAllowed(c, () -> {
                if (usable(c)) {
                    open(c, exchange);
                } else {
                    // It waited on a connection that has since received GOAWAY (or closed): start over on the
                    // current one rather than fail a request the origin never saw.
                    openStream(exchange, () -> { }, failed);
                }
            });
        }));
    }

    /** Open, and no GOAWAY from the origin: after one it takes no new streams there (RFC 9114 5.2). */
    private static boolean usable(Http3Connection c) {
        if (c == null || !c.isActive()) {
            return false;
        }
        Http3ConnectionHandler handler = c.quicChannel().pipeline().get(Http3ConnectionHandler.class);
        return handler == null || !handler.isGoAwayReceived();
    }

    private void open(Http3Connection c, Http3OriginExchange exchange) {
        if (exchange.isDone()) {
            return;
        }
        Http3.newRequestStream(c.quicChannel(), exchange).addListener(f -> {
            if (f.isSuccess()) {
                QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
                // HEADERS, DATA and the FIN of one turn in one stream write.
                stream.pipeline().addFirst(new StreamWriteCoalescer());
                stream.closeFuture().addListener(closed -> drainWaiting(c, Waiting.of(c.quicChannel())));
                exchange.attach(stream);
            } else {
                exchange.fail(f.cause());
            }
        });
    }

    /**
     * Runs {@code open} now if the origin allows another bidirectional stream on {@code c}, else once it does. Each
     * connection has its own queue, so that requests for a new connection never wait behind an old one's.
     */
    private void whenStreamAllowed(Http3Connection c, Runnable open) {
        Waiting queue = Waiting.of(c.quicChannel());
        if (queue.tasks.isEmpty() && c.quicChannel().peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0) {
            open.run();
            return;
        }
        queue.tasks.add(open);
        schedulePoll(c, queue);
    }

    private void drainWaiting(Http3Connection c, Waiting queue) {
        QuicChannel quic = c.quicChannel();
        while (!queue.tasks.isEmpty() && (!usable(c) || quic.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0)) {
            // On a connection no longer usable each waiting request starts over on the current one.
            queue.tasks.poll().run();
        }
    }

    private void schedulePoll(Http3Connection c, Waiting queue) {
        if (queue.polling) {
            return;
        }
        queue.polling = true;
        loop.schedule(() -> {
            queue.polling = false;
            drainWaiting(c, queue);
            if (!queue.tasks.isEmpty()) {
                schedulePoll(c, queue);
            }
        }, STREAM_CREDIT_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The requests waiting for stream credit on one QUIC connection. */
    private static final class Waiting {
        private static final io.netty.util.AttributeKey<Waiting> KEY =
                io.netty.util.AttributeKey.valueOf(Waiting.class, "waiting");
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        boolean polling;

        static Waiting of(QuicChannel quic) {
            Waiting w = quic.attr(KEY).get();
            if (w == null) {
                w = new Waiting();
                quic.attr(KEY).set(w);
            }
            return w;
        }
    }

    private CompletableFuture<Http3Connection> connect() {
        CompletableFuture<Http3Connection> ready = client.connect(endpoint, serverName);
        connection = ready;
        ready.whenComplete((c, cause) -> {
            if (c != null) {
                c.quicChannel().closeFuture().addListener(f -> loop.execute(() -> {
                    if (connection == ready) {
                        connection = null;
                    }
                }));
            }
        });
        return ready;
    }

    /** One connection if it is up or being opened; call on the loop. */
    PoolStats stats() {
        if (connection == null || connection.isCompletedExceptionally()) {
            return PoolStats.EMPTY;
        }
        Http3Connection c = connection.getNow(null);
        return c == null || usable(c) ? new PoolStats(1, 0, 0) : PoolStats.EMPTY;
    }

    void close() {
        CompletableFuture<Http3Connection> current = connection;
        if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
            current.getNow(null).close();
        }
    }
}
