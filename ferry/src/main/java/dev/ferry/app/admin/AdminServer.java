package dev.ferry.app.admin;

import dev.ferry.app.config.AdminConfig;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.metrics.RelayMetrics;
import dev.ferry.bridge.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The operators' endpoint (an HTTP/1.1 listener on plain TCP, loopback by default): {@code /metrics} for
 * Prometheus, {@code /healthz} (the process serves), {@code /readyz} (listeners bound and not draining),
 * {@code /config} (the running configuration, secrets left out) and {@code /connections} (counts per listener).
 * GET and HEAD only; small requests only (8 KiB); it shares the relay's event loops, and its answers are built
 * from counters the relay keeps anyway.
 */
public final class AdminServer implements AutoCloseable {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final int MAX_REQUEST = 8 * 1024;

    /** What the endpoint asks of the relay. */
    public interface Relay {
        /** Ready for traffic: every listener bound and not draining. */
        boolean ready();

        /** Why not ready, for the body of a 503. */
        String notReadyReason();

        /** The configuration running now. */
        FerryConfig config();

        /** {@code /connections} as JSON. */
        String connectionsJson(boolean showAddresses);
    }

    private final Channel channel;

    private AdminServer(Channel channel) {
        this.channel = channel;
    }

    /** Binds the endpoint; returns once it listens. */
    public static AdminServer start(AdminConfig config, EventLoopGroup group, RelayMetrics metrics, Relay relay)
            throws InterruptedException {
        Supplier<Handler> handler = () -> new Handler(metrics, relay, config.showAddresses());
        Channel channel = new ServerBootstrap().group(group).channel(Transport.of(group).serverSocketChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST),
                                handler.get());
                    }
                }).bind(config.address()).sync().channel();
        return new AdminServer(channel);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final RelayMetrics metrics;
        private final Relay relay;
        private final boolean showAddresses;

        Handler(RelayMetrics metrics, Relay relay, boolean showAddresses) {
            this.metrics = metrics;
            this.relay = relay;
            this.showAddresses = showAddresses;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n");
                return;
            }
            if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
                respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "GET or HEAD\n");
                return;
            }
            switch (new QueryStringDecoder(request.uri()).path()) {
                case "/metrics" -> respond(ctx, request, HttpResponseStatus.OK, PROMETHEUS_TEXT, metrics.scrape());
                case "/healthz" -> respond(ctx, request, HttpResponseStatus.OK, "text/plain", "ok\n");
                case "/readyz" -> {
                    if (relay.ready()) {
                        respond(ctx, request, HttpResponseStatus.OK, "text/plain", "ready\n");
                    } else {
                        respond(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain",
                                "not ready: " + relay.notReadyReason() + "\n");
                    }
                }
                case "/config" -> respond(ctx, request, HttpResponseStatus.OK, "application/json",
                        ConfigView.json(relay.config()));
                case "/connections" -> respond(ctx, request, HttpResponseStatus.OK, "application/json",
                        relay.connectionsJson(showAddresses));
                default -> respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain",
                        "not found; try /metrics, /healthz, /readyz, /config, /connections\n");
            }
        }

        private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                                    String type, String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            boolean head = request.method().equals(HttpMethod.HEAD);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
