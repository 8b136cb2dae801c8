package dev.ferry.interop.support;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/2 client over TLS for the relay's TCP listener: Netty's frame codec, nothing of Ferry's, and no
 * client-side checks, so that a test can send what a careful client would not (a malformed head, a tunnel). It waits for the relay's SETTINGS (extended CONNECT needs SETTINGS_ENABLE_CONNECT_PROTOCOL first,
 * RFC 8441 3), opens one stream per tunnel and hands each DATA frame's bytes to a queue in arrival order. No
 * curl, nghttp or h2load in Debian can send CONNECT-UDP over HTTP/2 or a malformed request, so the tests drive
 * this.
 */
public final class Http2RawClient implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final CompletableFuture<Http2Settings> settings = new CompletableFuture<>();
    private final Channel connection;

    private Http2RawClient(InetSocketAddress relay, java.security.PrivateKey key,
                           java.security.cert.X509Certificate certificate) throws Exception {
        SslContextBuilder builder = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE);
        if (key != null) {
            builder.keyManager(key, certificate);
        }
        SslContext tls = builder
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
        connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), relay.getHostString(), relay.getPort()),
                                Http2FrameCodecBuilder.forClient().initialSettings(Http2Settings.defaultSettings()
                                        .initialWindowSize(4 << 20)).build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        if (msg instanceof Http2SettingsFrame frame) {
                                            settings.complete(frame.settings());
                                        }
                                        ReferenceCountUtil.release(msg);
                                    }
                                });
                    }
                })
                .connect(relay).sync().channel();
    }

    public static Http2RawClient connect(InetSocketAddress relay) throws Exception {
        return new Http2RawClient(relay, null, null);
    }

    /** Connects presenting a client certificate in the TLS handshake (mutual TLS). */
    public static Http2RawClient connect(InetSocketAddress relay, java.security.PrivateKey key,
                                         java.security.cert.X509Certificate certificate) throws Exception {
        return new Http2RawClient(relay, key, certificate);
    }

    /** The relay's first SETTINGS. */
    public Http2Settings peerSettings() throws Exception {
        return settings.get(10, TimeUnit.SECONDS);
    }

    /** Opens a stream with {@code head} (no END_STREAM) and returns it once the relay answered. */
    public Tunnel open(Http2Headers head) throws Exception {
        Tunnel tunnel = send(head, false);
        tunnel.response.get(10, TimeUnit.SECONDS);
        return tunnel;
    }

    /** Opens a stream with {@code head} and END_STREAM (a request without body); the answer is read later. */
    public Tunnel openEnded(Http2Headers head) throws Exception {
        return send(head, true);
    }

    private Tunnel send(Http2Headers head, boolean endStream) throws Exception {
        peerSettings();
        Tunnel stream = new Tunnel();
        Http2StreamChannel channel = new Http2StreamChannelBootstrap(connection).handler(stream).open()
                .get(10, TimeUnit.SECONDS);
        stream.stream = channel;
        channel.writeAndFlush(new DefaultHttp2HeadersFrame(head, endStream)).sync();
        return stream;
    }

    /** A CONNECT-UDP head (RFC 9298 3.4 over RFC 8441) for {@code host:port} through {@code authority}. */
    public static Http2Headers connectUdp(String authority, String host, int port) {
        Http2Headers h = new DefaultHttp2Headers();
        h.method("CONNECT").scheme("https").authority(authority)
                .path("/.well-known/masque/udp/" + host + "/" + port + "/");
        h.set(Http2Headers.PseudoHeaderName.PROTOCOL.value(), "connect-udp");
        h.set("capsule-protocol", "?1");
        return h;
    }

    /** A classic CONNECT head (RFC 9113 8.5) for {@code host:port}. */
    public static Http2Headers connect(String host, int port) {
        Http2Headers h = new DefaultHttp2Headers();
        h.method("CONNECT").authority(host + ":" + port);
        return h;
    }

    @Override
    public void close() {
        connection.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One stream: the answer's head, then DATA in order; an empty array marks the end (END_STREAM or reset). */
    public static final class Tunnel extends ChannelInboundHandlerAdapter {
        public final CompletableFuture<Http2Headers> response = new CompletableFuture<>();
        public final BlockingQueue<byte[]> data = new LinkedBlockingQueue<>();
        public volatile String resetCode;
        private Http2StreamChannel stream;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame headers) {
                    if (!response.isDone()) {
                        response.complete(headers.headers());
                    }
                    if (headers.isEndStream()) {
                        data.add(new byte[0]);
                    }
                } else if (msg instanceof Http2DataFrame frame) {
                    ByteBuf content = frame.content();
                    if (content.isReadable()) {
                        byte[] bytes = new byte[content.readableBytes()];
                        content.readBytes(bytes);
                        data.add(bytes);
                    }
                    if (frame.isEndStream()) {
                        data.add(new byte[0]);
                    }
                } else if (msg instanceof Http2ResetFrame reset) {
                    resetCode = Long.toString(reset.errorCode());
                    response.completeExceptionally(new IllegalStateException("reset " + reset.errorCode()));
                    data.add(new byte[0]);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /** Netty's multiplexer hands a stream its RST_STREAM as a user event, not as a read. */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) {
                resetCode = Long.toString(reset.errorCode());
                response.completeExceptionally(new IllegalStateException("reset " + reset.errorCode()));
                data.add(new byte[0]);
            }
            ReferenceCountUtil.release(evt);
        }

        public Http2Headers head() throws Exception {
            return response.get(10, TimeUnit.SECONDS);
        }

        public void send(byte[] bytes, boolean end) {
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), end));
        }

        /** Every byte until the end of the stream, waiting up to {@code seconds} for each piece. */
        public byte[] readToEnd(long seconds) throws InterruptedException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                byte[] piece = data.poll(seconds, TimeUnit.SECONDS);
                if (piece == null || piece.length == 0) {
                    return out.toByteArray();
                }
                out.writeBytes(piece);
            }
        }
    }
}
