package dev.ferry.tools.tunnel;

import dev.ferry.bridge.headers.GeohashHint;
import dev.ferry.bridge.tunnel.Capsule;
import dev.ferry.bridge.tunnel.CapsuleDecoder;
import dev.ferry.bridge.tunnel.CapsuleEncoder;
import dev.ferry.bridge.tunnel.VarInt;
import dev.ferry.bridge.transport.Transport;
import dev.ferry.bridge.transport.TurnFlush;
import dev.ferry.http3.tunnel.TunnelException;
import dev.ferry.http3.tunnel.TunnelOptions;
import dev.ferry.http3.tunnel.UdpTunnel;
import dev.ferry.http3.tunnel.UdpTunnelClient;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
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

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A CONNECT-UDP tunnel over HTTP/2 (RFC 9298 5 with extended CONNECT, RFC 8441), for networks where UDP to the relay
 * is blocked: TLS over TCP, every UDP payload a DATAGRAM capsule on the stream, reliable and in order. One tunnel
 * per connection. Like UDP, sending never blocks: payloads beyond {@link #MAX_QUEUED_BYTES} not yet taken by the
 * connection are dropped and counted.
 */
public final class Http2UdpTunnelClient implements UdpTunnel {
    /** Capsule bytes that may wait for the TCP connection: enough for a congestion window, not seconds of traffic. */
    static final int MAX_QUEUED_BYTES = 512 * 1024;

    private final Channel connection;
    private final Http2StreamChannel stream;
    private final CapsuleDecoder capsules;
    private final TurnFlush flush;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private long queuedBytes;

    private Http2UdpTunnelClient(Channel connection, Http2StreamChannel stream) {
        this.connection = connection;
        this.stream = stream;
        this.capsules = new CapsuleDecoder(stream.alloc(), CapsuleDecoder.DEFAULT_MAX_DATAGRAM_CAPSULE_LENGTH);
        this.flush = new TurnFlush(stream, stream.eventLoop());
        stream.closeFuture().addListener(f -> {
            capsules.release();
            closed.complete(null);
            connection.close();
        });
    }

    /**
     * Connects to the relay over TLS (ALPN h2), waits for its SETTINGS to allow extended CONNECT, and asks for a
     * UDP tunnel to {@code host:port}. Fails with a {@link TunnelException} naming the status and Proxy-Status when
     * the relay refuses.
     *
     * @param authority the relay's {@code host:port} as the request names it
     * @param caFile    PEM CAs to trust instead of the JDK's, or null
     * @param receiver  gets each UDP payload from the target, and owns (releases) it
     */
    public static CompletableFuture<Http2UdpTunnelClient> open(EventLoopGroup group, InetSocketAddress relay,
                                                               String serverName, String authority,
                                                               boolean insecure, Path caFile, String host, int port,
                                                               TunnelOptions options, Consumer<ByteBuf> receiver) {
        CompletableFuture<Http2UdpTunnelClient> result = new CompletableFuture<>();
        SslContext tls;
        try {
            SslContextBuilder b = SslContextBuilder.forClient().applicationProtocolConfig(new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN, ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2));
            if (insecure) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (caFile != null) {
                b.trustManager(caFile.toFile());
            }
            tls = b.build();
        } catch (Exception e) {
            result.completeExceptionally(new TunnelException("TLS setup: " + e.getMessage(), e));
            return result;
        }
        CompletableFuture<Http2Settings> settings = new CompletableFuture<>();
        new Bootstrap().group(group).channel(Transport.of(group).socketChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), serverName, relay.getPort()),
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

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        settings.completeExceptionally(new TunnelException(
                                                "the relay closed the connection before its SETTINGS", null));
                                        ctx.fireChannelInactive();
                                    }
                                });
                    }
                })
                .connect(relay).addListener(f -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(new TunnelException("cannot connect to " + relay + ": "
                                + f.cause().getMessage(), f.cause()));
                        return;
                    }
                    Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                    settings.whenComplete((s, cause) -> {
                        if (cause != null) {
                            result.completeExceptionally(cause);
                        } else if (!Boolean.TRUE.equals(s.connectProtocolEnabled())) {
                            ch.close();
                            result.completeExceptionally(new TunnelException(
                                    "the relay does not offer extended CONNECT over HTTP/2", null));
                        } else {
                            openStream(ch, authority, host, port, options, receiver, result);
                        }
                    });
                });
        return result;
    }

    private static void openStream(Channel connection, String authority, String host, int port,
                                   TunnelOptions options, Consumer<ByteBuf> receiver,
                                   CompletableFuture<Http2UdpTunnelClient> result) {
        Http2UdpTunnelClient[] self = new Http2UdpTunnelClient[1];
        StreamHandler handler = new StreamHandler(receiver, result, self);
        new Http2StreamChannelBootstrap(connection).handler(handler).open().addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new TunnelException("cannot open a stream: " + f.cause(), f.cause()));
                connection.close();
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
            self[0] = new Http2UdpTunnelClient(connection, stream);
            Http2Headers head = new DefaultHttp2Headers();
            head.method("CONNECT").scheme("https").authority(authority).path(options.template().expand(host, port));
            head.set(Http2Headers.PseudoHeaderName.PROTOCOL.value(), "connect-udp");
            head.set("capsule-protocol", "?1");
            if (options.token() != null) {
                head.set("proxy-authorization", "Bearer " + options.token());
            }
            if (options.geohash() != null) {
                head.set(GeohashHint.FIELD, GeohashHint.fieldValue(options.geohash()));
            }
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(head, false));
        });
    }

    @Override
    public void send(ByteBuf payload) {
        if (stream.eventLoop().inEventLoop()) {
            sendOnLoop(payload);
        } else {
            stream.eventLoop().execute(() -> sendOnLoop(payload));
        }
    }

    private void sendOnLoop(ByteBuf payload) {
        int size = CapsuleEncoder.datagramSize(0, payload.readableBytes());
        if (!stream.isActive() || queuedBytes + size > MAX_QUEUED_BYTES) {
            payload.release();
            dropped.increment();
            return;
        }
        queuedBytes += size;
        stream.write(new DefaultHttp2DataFrame(CapsuleEncoder.datagram(stream.alloc(), 0, payload), false))
                .addListener(f -> queuedBytes -= size);
        flush.request();
        sent.increment();
    }

    /** Every payload is a capsule here. */
    @Override
    public int maxDatagramPayload() {
        return 0;
    }

    @Override
    public UdpTunnelClient.Stats stats() {
        long s = sent.sum();
        long r = received.sum();
        return new UdpTunnelClient.Stats(s, s, r, r, dropped.sum(), 0);
    }

    @Override
    public CompletableFuture<Void> closed() {
        return closed;
    }

    @Override
    public void close() {
        stream.eventLoop().execute(() -> {
            if (stream.isActive()) {
                stream.writeAndFlush(new DefaultHttp2DataFrame(true));
            }
        });
    }

    /** The stream's side: the answer, then DATA holding capsules. */
    private static final class StreamHandler extends ChannelInboundHandlerAdapter {
        private final Consumer<ByteBuf> receiver;
        private final CompletableFuture<Http2UdpTunnelClient> opened;
        private final Http2UdpTunnelClient[] self;

        StreamHandler(Consumer<ByteBuf> receiver, CompletableFuture<Http2UdpTunnelClient> opened,
                      Http2UdpTunnelClient[] self) {
            this.receiver = receiver;
            this.opened = opened;
            this.self = self;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame headers && !opened.isDone()) {
                    String status = String.valueOf(headers.headers().status());
                    if (status.startsWith("2")) {
                        opened.complete(self[0]);
                    } else {
                        opened.completeExceptionally(new TunnelException("the relay answered " + status
                                + proxyStatus(headers.headers()), null));
                        ctx.close();
                    }
                } else if (msg instanceof Http2DataFrame data && opened.isDone()) {
                    Http2UdpTunnelClient tunnel = self[0];
                    tunnel.capsules.feed(data.content().retain(), capsule -> deliver(tunnel, capsule));
                    if (data.isEndStream()) {
                        ctx.close();
                    }
                }
            } catch (CapsuleDecoder.CapsuleException e) {
                ctx.close();
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void deliver(Http2UdpTunnelClient tunnel, Capsule capsule) {
            ByteBuf payload = capsule.payload();
            try {
                if (capsule.type() == Capsule.DATAGRAM && VarInt.read(payload) == 0) {
                    tunnel.received.increment();
                    receiver.accept(payload.retain());
                }
            } finally {
                payload.release();
            }
        }

        private static String proxyStatus(Http2Headers headers) {
            CharSequence ps = headers.get("proxy-status");
            return ps == null ? "" : " (" + ps + ")";
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) {
                opened.completeExceptionally(new TunnelException("the relay reset the stream, error "
                        + reset.errorCode(), null));
                ctx.close();
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            opened.completeExceptionally(new TunnelException("the stream closed before an answer", null));
            ctx.fireChannelInactive();
        }
    }
}
