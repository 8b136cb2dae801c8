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

/**
 * A small HTTP/3 origin for tests of HTTP/3 clients, with a self-signed certificate for {@code localhost}: {@code GET /hello} answers "hello", {@code POST /echo} echoes the body
 * and adds an {@code x-echo-bytes} trailer, {@code GET /bytes?n=N} sends N pattern bytes ({@code i % 251}), and
 * {@code GET /reset} sends a head and some data, then resets the stream with H3_REQUEST_CANCELLED.
 */
public final class Http3TestOrigin implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final SelfSignedCertificate cert;
    private final Channel channel;

    public Http3TestOrigin() throws Exception {
        cert = SelfSignedCertificate.builder().fqdn("localhost").algorithm("EC").bits(256).build();
        QuicSslContext ssl = QuicSslContextBuilder.forServer(cert.privateKey(), null, cert.certificate())
                .applicationProtocols(Http3.supportedApplicationProtocols()).build();
        var codec = Http3.newQuicServerCodecBuilder()
                .sslContext(ssl)
                .maxIdleTimeout(10, TimeUnit.SECONDS)
                .initialMaxData(32L << 20)
                .initialMaxStreamDataBidirectionalLocal(8L << 20)
                .initialMaxStreamDataBidirectionalRemote(8L << 20)
                .initialMaxStreamsBidirectional(100)
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        ch.pipeline().addLast(new Http3ServerConnectionHandler(
                                new ChannelInitializer<QuicStreamChannel>() {
                                    @Override
                                    protected void initChannel(QuicStreamChannel stream) {
                                        stream.pipeline().addLast(new Handler());
                                    }
                                }));
                    }
                })
                .build();
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
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
        private String path;
        private long echoed;

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
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
