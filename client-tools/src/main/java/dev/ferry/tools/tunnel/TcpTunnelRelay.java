package dev.ferry.tools.tunnel;

import dev.ferry.bridge.transport.Transport;
import dev.ferry.bridge.transport.TurnFlush;
import dev.ferry.http3.tunnel.TcpTunnelClient;
import dev.ferry.http3.tunnel.TunnelOptions;

import dev.ferry.http3.client.Http3Connection;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A local TCP listener whose every accepted connection gets its own CONNECT stream to one target, all on one
 * shared HTTP/3 connection (fetched anew from the supplier when the last one closed). Bytes are relayed with
 * backpressure both ways and half-close is kept, so protocols that end their request with a FIN still work.
 */
public final class TcpTunnelRelay implements AutoCloseable {
    private final Channel server;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder bytesToTarget = new LongAdder();
    private final LongAdder bytesFromTarget = new LongAdder();

    private TcpTunnelRelay(Channel server) {
        this.server = server;
    }

    /**
     * Binds the listener.
     *
     * @param connections gives the HTTP/3 connection to open each tunnel on
     * @param onError     told why a tunnel could not be opened (the local connection is then closed)
     */
    public static TcpTunnelRelay bind(EventLoopGroup group, InetSocketAddress listen,
                                      Supplier<CompletableFuture<Http3Connection>> connections, String host,
                                      int port, TunnelOptions options, Consumer<Throwable> onError)
            throws InterruptedException {
        TcpTunnelRelay[] self = new TcpTunnelRelay[1];
        Channel server = new ServerBootstrap().group(group).channel(Transport.of(group).serverSocketChannel())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        self[0].accepted.increment();
                        ch.pipeline().addLast(self[0].new Local(connections, host, port, options, onError));
                    }
                })
                .bind(listen).sync().channel();
        self[0] = new TcpTunnelRelay(server);
        return self[0];
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Local connections accepted so far. */
    public long accepted() {
        return accepted.sum();
    }

    /** Local connections whose tunnel could not be opened. */
    public long failed() {
        return failed.sum();
    }

    public long bytesToTarget() {
        return bytesToTarget.sum();
    }

    public long bytesFromTarget() {
        return bytesFromTarget.sum();
    }

    /** The counters in one line, for the end of a {@code ferry tunnel tcp} run. */
    public String summary() {
        return "connections " + accepted() + " (" + failed() + " failed), bytes local->target " + bytesToTarget()
                + ", target->local " + bytesFromTarget();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    /** One local connection and its tunnel. Local events run on the local channel's loop, tunnel events on QUIC's. */
    private final class Local extends ChannelInboundHandlerAdapter implements TcpTunnelClient.Listener {
        private final Supplier<CompletableFuture<Http3Connection>> connections;
        private final String host;
        private final int port;
        private final TunnelOptions options;
        private final Consumer<Throwable> onError;
        private volatile TcpTunnelClient tunnel;
        private Channel local;
        /** One flush of the local socket per loop turn, however many DATA frames the turn delivered. */
        private TurnFlush localFlush;
        /** The last write to the local socket: its FIN must wait for it, as Netty fails writes still queued. */
        private ChannelFuture lastLocalWrite;

        Local(Supplier<CompletableFuture<Http3Connection>> connections, String host, int port, TunnelOptions options,
              Consumer<Throwable> onError) {
            this.connections = connections;
            this.host = host;
            this.port = port;
            this.options = options;
            this.onError = onError;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            local = ctx.channel();
            localFlush = new TurnFlush(local, local.eventLoop());
            connections.get()
                    .thenCompose(connection -> TcpTunnelClient.open(connection, host, port, options, this))
                    .whenComplete((t, error) -> {
                        if (error != null) {
                            failed.increment();
                            onError.accept(error instanceof java.util.concurrent.CompletionException
                                    && error.getCause() != null ? error.getCause() : error);
                            local.close();
                            return;
                        }
                        tunnel = t;
                        t.closed().whenComplete((ignored, e) -> local.close());
                        local.config().setAutoRead(true);
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            bytesToTarget.add(data.readableBytes());
            tunnel.write(data);
            if (!tunnel.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE && tunnel != null) {
                tunnel.shutdownOutput();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            TcpTunnelClient t = tunnel;
            if (t != null) {
                t.setReading(ctx.channel().isWritable());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            TcpTunnelClient t = tunnel;
            if (t != null && !t.closed().isDone()) {
                // The local side is gone entirely (closed or reset): nobody is left to read the answer.
                t.close();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        // ---- tunnel events -------------------------------------------------------------------------------

        @Override
        public void onData(ByteBuf data) {
            bytesFromTarget.add(data.readableBytes());
            if (local.eventLoop().inEventLoop()) {
                // One QUIC read brings many DATA frames: they leave in one write system call at the end of the turn.
                lastLocalWrite = local.write(data);
                localFlush.request();
            } else {
                lastLocalWrite = local.writeAndFlush(data);
            }
            TcpTunnelClient t = tunnel;
            if (t != null && !local.isWritable()) {
                t.setReading(false);
            }
        }

        @Override
        public void onEnd() {
            SocketChannel socket = (SocketChannel) local;
            socket.flush();
            if (lastLocalWrite == null) {
                socket.shutdownOutput();
            } else {
                lastLocalWrite.addListener(f -> socket.shutdownOutput());
            }
        }

        @Override
        public void onWritabilityChanged(boolean writable) {
            if (writable) {
                Transport.setReading(local, true);
            }
        }
    }
}
