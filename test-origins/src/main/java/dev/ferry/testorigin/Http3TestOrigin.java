package dev.ferry.testorigin;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3GoAwayFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/3 origin for tests of HTTP/3 clients, with a self-signed certificate for {@code localhost}:
 * {@code GET /hello} answers "hello", {@code POST /echo} echoes the body and adds an {@code x-echo-bytes} trailer,
 * {@code GET /bytes?n=N} sends N pattern bytes ({@code i % 251}), and {@code GET /reset} sends a head and some data,
 * then resets the stream with H3_REQUEST_CANCELLED.
 *
 * <p>{@link Limits} make it a demanding peer for a client's connection handling: few concurrent streams, a short
 * idle timeout, a GOAWAY after some requests per connection. It counts the connections it accepted, the requests
 * it answered and the most streams it ever had open at once on one connection.
 */
public final class Http3TestOrigin implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final SelfSignedCertificate cert;
    private final Channel channel;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger mostOpenStreams = new AtomicInteger();

    /**
     * What the origin allows each connection.
     *
     * @param maxStreams  concurrent bidirectional streams (initial_max_streams_bidi)
     * @param idleTimeout the QUIC idle timeout it advertises
     * @param goAwayAfter send GOAWAY on a connection once it has taken this many requests (0: never); streams the
     *                    client opens after that are refused with H3_REQUEST_REJECTED, as RFC 9114 5.2 allows
     */
    public record Limits(int maxStreams, java.time.Duration idleTimeout, int goAwayAfter) {
        public static Limits defaults() {
            return new Limits(100, java.time.Duration.ofSeconds(10), 0);
        }
    }

    public Http3TestOrigin() throws Exception {
        this(Limits.defaults());
    }

    public Http3TestOrigin(Limits limits) throws Exception {
        cert = SelfSignedCertificate.builder().fqdn("localhost").algorithm("EC").bits(256).build();
        QuicSslContext ssl = QuicSslContextBuilder.forServer(cert.privateKey(), null, cert.certificate())
                .applicationProtocols(Http3.supportedApplicationProtocols()).build();
        var codec = Http3.newQuicServerCodecBuilder()
                .sslContext(ssl)
                .maxIdleTimeout(limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(32L << 20)
                .initialMaxStreamDataBidirectionalLocal(8L << 20)
                .initialMaxStreamDataBidirectionalRemote(8L << 20)
                .initialMaxStreamsBidirectional(limits.maxStreams())
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        connections.incrementAndGet();
                        ConnectionLimits perConnection = new ConnectionLimits(limits.goAwayAfter());
                        ch.pipeline().addLast(new Http3ServerConnectionHandler(
                                new ChannelInitializer<QuicStreamChannel>() {
                                    @Override
                                    protected void initChannel(QuicStreamChannel stream) {
                                        if (perConnection.admit(stream)) {
                                            stream.pipeline().addLast(new Handler(requests));
                                        }
                                    }
                                }));
                    }
                })
                .build();
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /**
     * One connection's request streams under the {@link Limits}: counts them open and taken, and sends GOAWAY once
     * the connection has taken its share. Used on the connection's event loop only.
     */
    private final class ConnectionLimits {
        private final int goAwayAfter;
        private int taken;
        private int open;

        ConnectionLimits(int goAwayAfter) {
            this.goAwayAfter = goAwayAfter;
        }

        /** Takes the stream as a request, or refuses it (after this connection's GOAWAY). */
        boolean admit(QuicStreamChannel stream) {
            if (goAwayAfter > 0 && taken >= goAwayAfter) {
                stream.shutdown(Http3ErrorCode.H3_REQUEST_REJECTED.code());
                return false;
            }
            taken++;
            open++;
            mostOpenStreams.accumulateAndGet(open, Math::max);
            stream.closeFuture().addListener(f -> open--);
            if (taken == goAwayAfter) {
                QuicStreamChannel control = Http3.getLocalControlStream(stream.parent());
                if (control != null) {
                    // Streams from the next client-initiated bidirectional ID on will not be processed.
                    control.writeAndFlush(new DefaultHttp3GoAwayFrame(stream.streamId() + 4));
                }
            }
            return true;
        }
    }

    /** Connections accepted since start. */
    public int connections() {
        return connections.get();
    }

    /** Requests answered since start (refused ones not counted). */
    public int requests() {
        return requests.get();
    }

    /** The most request streams ever open at once on one connection. */
    public int mostOpenStreams() {
        return mostOpenStreams.get();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public Path certificateFile() {
        return cert.certificate().toPath();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        cert.delete();
    }

    private static final class Handler extends Http3RequestStreamInboundHandler {
        private final AtomicInteger requests;
        private String path;
        private long echoed;

        Handler(AtomicInteger requests) {
            this.requests = requests;
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            requests.incrementAndGet();
            path = frame.headers().path().toString();
            if (path.equals("/echo")) {
                ctx.write(head("200"));
            } else if (path.equals("/reset")) {
                ctx.write(head("200"));
                ctx.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(new byte[1000])))
                        .addListener(f -> ((QuicStreamChannel) ctx.channel())
                                .shutdownOutput(Http3ErrorCode.H3_REQUEST_CANCELLED.code()));
            }
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            if ("/echo".equals(path)) {
                echoed += frame.content().readableBytes();
                ctx.writeAndFlush(frame);
            } else {
                frame.release();
            }
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) {
            if (path.equals("/echo")) {
                DefaultHttp3HeadersFrame trailers = new DefaultHttp3HeadersFrame();
                trailers.headers().set("x-echo-bytes", Long.toString(echoed));
                ctx.writeAndFlush(trailers).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            } else if (path.equals("/hello")) {
                ctx.write(head("200"));
                ctx.writeAndFlush(new DefaultHttp3DataFrame(
                        Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)))
                        .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            } else if (path.startsWith("/bytes?n=")) {
                long n = Long.parseLong(path.substring("/bytes?n=".length()));
                ctx.write(head("200"));
                for (long sent = 0; sent < n; ) {
                    int len = (int) Math.min(65536, n - sent);
                    ByteBuf chunk = ctx.alloc().buffer(len);
                    for (int i = 0; i < len; i++) {
                        chunk.writeByte((int) ((sent + i) % 251));
                    }
                    sent += len;
                    ctx.write(new DefaultHttp3DataFrame(chunk));
                }
                ctx.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.EMPTY_BUFFER))
                        .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            } else if (!path.equals("/reset")) {
                ctx.writeAndFlush(head("404")).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            }
        }

        private static DefaultHttp3HeadersFrame head(String status) {
            DefaultHttp3HeadersFrame frame = new DefaultHttp3HeadersFrame();
            frame.headers().status(status);
            return frame;
        }
    }
}
