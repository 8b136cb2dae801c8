package dev.ferry.http3.tunnel;

import dev.ferry.http3.client.Http3Connection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP tunnel through classic CONNECT (RFC 9114 section 4.4): {@code :method CONNECT} with only an
 * {@code :authority} of {@code host:port}, then a byte stream both ways in DATA frames.
 *
 * <p>Backpressure is QUIC flow control end to end: {@link #isWritable()} turns false when the stream's send window
 * is full (stop writing until {@link Listener#onWritabilityChanged} says otherwise), and {@link #setReading(boolean)
 * setReading(false)} stops reading the stream, so the relay's window fills and it stops reading the target.
 * Half-close is kept: {@link #shutdownOutput()} sends the FIN after the last byte, which the relay turns into a TCP
 * FIN to the target, and the target's FIN comes back as {@link Listener#onEnd()}.
 *
 * <p>Methods may be called from any thread; listener calls run on the connection's event loop and must not block.
 */
public final class TcpTunnelClient implements AutoCloseable {

    /** What the tunnel reports; every call runs on the connection's event loop. */
    public interface Listener {
        /** Bytes from the target; the listener owns and releases {@code data}. */
        void onData(ByteBuf data);

        /** The target closed its sending side (the relay's FIN): no more data will come. */
        void onEnd();

        /** {@link TcpTunnelClient#isWritable()} changed. */
        default void onWritabilityChanged(boolean writable) {
        }
    }

    private final Handler handler;
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();

    private TcpTunnelClient(Handler handler) {
        this.handler = handler;
    }

    /**
     * Asks the relay behind {@code connection} for a TCP tunnel to {@code host:port}. The future completes once the
     * relay has connected to the target and answered 2xx; it fails with a {@link TunnelException} otherwise.
     */
    public static CompletableFuture<TcpTunnelClient> open(Http3Connection connection, String host, int port,
                                                          TunnelOptions options, Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " (expected: 1..65535)");
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String authority = bare.indexOf(':') >= 0 ? "[" + bare + "]:" + port : bare + ":" + port;
        Http3Headers head = TunnelStream.connectHead(options);
        // RFC 9114 4.4: CONNECT carries :method and :authority only, no :scheme and no :path.
        head.authority(authority);
        Handler handler = new Handler(head, authority, listener);
        TcpTunnelClient client = new TcpTunnelClient(handler);
        handler.client = client;
        handler.open(connection);
        return handler.opened.thenApply(ignored -> client);
    }

    /** Writes {@code data} to the target, taking ownership; the returned future completes when it was written. */
    public ChannelFuture write(ByteBuf data) {
        bytesSent.add(data.readableBytes());
        ChannelFuture f = handler.stream.writeAndFlush(new DefaultHttp3DataFrame(data));
        f.addListener(handler::failOnWriteError);
        return f;
    }

    /** False while the stream's send window is full; writes then queue in memory. */
    public boolean isWritable() {
        return handler.stream.isWritable();
    }

    /** Stops (false) or resumes (true) reading from the tunnel: the way to slow the target down. */
    public void setReading(boolean reading) {
        handler.stream.config().setAutoRead(reading);
    }

    /**
     * Sends the FIN after every byte written so far: the target sees EOF and may still answer. Call it from the
     * thread that wrote, or from the event loop, so that it is ordered after the writes.
     */
    public void shutdownOutput() {
        handler.onLoop(() -> {
            if (handler.stream.isActive()) {
                handler.finishOutput();
            }
        });
    }

    /** Bytes handed to {@link #write} so far. */
    public long bytesSent() {
        return bytesSent.sum();
    }

    /** Bytes delivered to the listener so far. */
    public long bytesReceived() {
        return bytesReceived.sum();
    }

    /** Completes when the stream has closed: after both FINs, or exceptionally after a reset or failure. */
    public CompletableFuture<Void> closed() {
        return handler.closed;
    }

    /** Aborts the tunnel in both directions at once (unsent bytes are lost); see {@link #shutdownOutput()}. */
    @Override
    public void close() {
        handler.stream.close();
    }

    /** The stream's handler; runs on the event loop. */
    private static final class Handler extends TunnelStream {
        private final Listener listener;
        private TcpTunnelClient client;

        Handler(Http3Headers head, String target, Listener listener) {
            super(head, "CONNECT", target);
            this.listener = listener;
        }

        @Override
        void onData(ByteBuf data) {
            client.bytesReceived.add(data.readableBytes());
            listener.onData(data);
        }

        @Override
        void onInputEnd() {
            listener.onEnd();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (opened.isDone()) {
                listener.onWritabilityChanged(ctx.channel().isWritable());
            }
            ctx.fireChannelWritabilityChanged();
        }
    }
}
