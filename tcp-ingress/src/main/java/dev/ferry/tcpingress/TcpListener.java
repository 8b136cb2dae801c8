package dev.ferry.tcpingress;

import dev.ferry.bridge.exchange.ExchangeDriver;
import dev.ferry.bridge.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A TLS listener on TCP for clients that do not (or cannot) speak QUIC: HTTP/2 or HTTP/1.1, chosen by ALPN, each
 * request handed to the same {@link ExchangeDriver} as the HTTP/3 listener's, so that routes, hooks, limits and the
 * access log apply alike. Usually bound to the port of an HTTP/3 listener, and answering with {@code Alt-Svc} so
 * that browsers move to HTTP/3.
 *
 * <p>Each connection, with its streams and origin exchanges, stays on the event loop that accepted it.
 */
public final class TcpListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpListener.class);

    private final InetSocketAddress requestedAddress;
    private final SslContext sslContext;
    private final TcpListenerSettings settings;
    private final ExchangeDriver driver;
    private final EventLoopGroup group;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel server;

    private TcpListener(InetSocketAddress address, SslContext sslContext, TcpListenerSettings settings,
                        ExchangeDriver driver, EventLoopGroup group) {
        this.requestedAddress = Objects.requireNonNull(address, "address");
        this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.driver = Objects.requireNonNull(driver, "driver");
        this.group = Objects.requireNonNull(group, "group");
    }

    /**
     * A listener that is not yet bound.
     *
     * @param sslContext a server context negotiating {@code h2} and {@code http/1.1} ({@link TcpTls#serverContext})
     */
    public static TcpListener create(InetSocketAddress address, SslContext sslContext, TcpListenerSettings settings,
                                     ExchangeDriver driver, EventLoopGroup group) {
        return new TcpListener(address, sslContext, settings, driver, group);
    }

    /** Binds the socket; returns once it is bound. */
    public TcpListener start() throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(Transport.of(group).serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        long idle = settings.idleTimeout().toMillis();
                        ch.pipeline().addLast(sslContext.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast(new ProtocolChoice());
                    }
                })
                .bind(requestedAddress).sync().channel();
        return this;
    }

    /** The bound address (with the port the system chose when 0 was asked for). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** The Alt-Svc value its responses carry, or null. */
    public String altSvc() {
        return settings.altSvc();
    }

    /** Connections open now. */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Stops accepting, then closes every connection: HTTP/2 ones with GOAWAY, letting streams already accepted
     * finish for up to {@code grace}; HTTP/1.1 ones after the response in progress.
     */
    public void close(Duration grace) {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        connections.forEach(c -> c.pipeline().fireUserEventTriggered(new Shutdown(grace)));
        long deadline = System.nanoTime() + grace.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /** Asks a connection to end once its exchanges have: GOAWAY on HTTP/2, Connection: close on HTTP/1.1. */
    record Shutdown(Duration grace) {
    }

    /** Builds the connection's pipeline once TLS has chosen the protocol. */
    private final class ProtocolChoice extends ApplicationProtocolNegotiationHandler {
        ProtocolChoice() {
            // A client that sends no ALPN gets HTTP/1.1, as RFC 9113 3.3 expects of a server offering both.
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                configureHttp2(ctx);
            } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
                ctx.pipeline().addLast(new Http1Connection(driver, settings));
            } else {
                log.debug("TCP client {} chose unknown protocol {}", ctx.channel().remoteAddress(), protocol);
                ctx.close();
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private void configureHttp2(ChannelHandlerContext ctx) {
        Http2Settings initial = Http2Settings.defaultSettings()
                .maxConcurrentStreams(settings.maxConcurrentStreams())
                .initialWindowSize(settings.initialWindowSize())
                .maxHeaderListSize(settings.maxFieldSectionSize());
        if (settings.extendedConnect()) {
            initial.connectProtocolEnabled(true);
        }
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(initial)
                .build();
        Http2MultiplexHandler streams = new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new Http2ExchangeHandler(driver, settings.altSvc(),
                        settings.extendedConnect()));
            }
        });
        ctx.pipeline().addLast(codec, streams, new Http2ConnectionEvents());
        // The connection window starts at 65,535 bytes (RFC 9113 6.9.2) whatever the streams' windows: raise it
        // so that every stream may fill its window at once.
        long wanted = Math.min(Integer.MAX_VALUE, settings.maxConcurrentStreams() * (long) settings.initialWindowSize());
        int increment = (int) Math.max(0, wanted - 65_535);
        if (increment > 0) {
            ctx.channel().writeAndFlush(new DefaultHttp2WindowUpdateFrame(increment));
        }
    }

    /** Idle and shutdown handling of an HTTP/2 connection. */
    private static final class Http2ConnectionEvents extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
            if (evt instanceof IdleStateEvent) {
                if (codec != null && codec.connection().numActiveStreams() == 0) {
                    codec.gracefulShutdownTimeoutMillis(0);
                    ctx.channel().close();
                }
                return;
            }
            if (evt instanceof Shutdown shutdown) {
                // Http2FrameCodec's close sends GOAWAY with the last stream it accepted, then ends the connection
                // once the open streams are done, or after the grace period.
                if (codec != null) {
                    codec.gracefulShutdownTimeoutMillis(shutdown.grace().toMillis());
                }
                ctx.channel().close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
    }
}
