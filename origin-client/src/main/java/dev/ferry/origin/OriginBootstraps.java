package dev.ferry.origin;

import dev.ferry.bridge.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Promise;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Builds the TCP (and TLS) connections to an origin, always on the caller's event loop so that the origin side
 * of an exchange shares the client stream's thread.
 */
final class OriginBootstraps {
    /** The name of the HTTP/1.1 codec in a connection's pipeline. */
    static final String HTTP1_CODEC = "http1";

    /** Generous HTTP/1.1 limits: origins send long cookies and redirects. */
    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_SIZE = 64 * 1024;
    private static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final OriginSettings settings;

    OriginBootstraps(OriginSettings settings) {
        this.settings = settings;
    }

    Bootstrap http1(EventLoop loop, InetSocketAddress endpoint) {
        return base(loop).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                addTls(ch, endpoint);
                ch.pipeline().addLast(HTTP1_CODEC, new HttpClientCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE));
            }
        });
    }

    Bootstrap http2(EventLoop loop, InetSocketAddress endpoint) {
        return base(loop).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                addTls(ch, endpoint);
                ch.pipeline().addLast("http2", Http2FrameCodecBuilder.forClient()
                        .initialSettings(Http2Settings.defaultSettings().initialWindowSize(1 << 20).pushEnabled(false))
                        // Queue streams beyond the origin's SETTINGS_MAX_CONCURRENT_STREAMS instead of failing them.
                        .encoderEnforceMaxConcurrentStreams(true)
                        .validateHeaders(true)
                        .build());
                // Child streams get their handler from Http2StreamChannelBootstrap; pushes are refused above.
                ch.pipeline().addLast("multiplex", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
            }
        });
    }

    private Bootstrap base(EventLoop loop) {
        return new Bootstrap().group(loop)
                .channel(Transport.of(loop).socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        settings.connectTimeoutMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    private void addTls(Channel ch, InetSocketAddress endpoint) {
        if (settings.sslContext() == null) {
            return;
        }
        String host = settings.serverName() != null ? settings.serverName() : endpoint.getHostString();
        SslHandler ssl = settings.sslContext().newHandler(ch.alloc(), host, endpoint.getPort());
        if (settings.verifyHostname()) {
            SSLEngine engine = ssl.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
        }
        ssl.setHandshakeTimeout(settings.connectTimeoutMillis(), TimeUnit.MILLISECONDS);
        ch.pipeline().addLast("tls", ssl);
    }

    /**
     * Completes {@code ready} when the connection is usable: connected, TLS done, and for HTTP/2 over TLS, h2
     * negotiated. Fails it with the raw cause otherwise (classified by {@link OriginFailures}).
     */
    void whenReady(ChannelFuture connect, Promise<Channel> ready) {
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(f.cause());
                return;
            }
            Channel ch = connect.channel();
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl == null) {
                ready.trySuccess(ch);
                return;
            }
            ssl.handshakeFuture().addListener(h -> {
                if (!h.isSuccess()) {
                    ch.close();
                    ready.tryFailure(h.cause());
                } else if (settings.protocol() == OriginProtocol.H2
                        && !ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
                    ch.close();
                    ready.tryFailure(new javax.net.ssl.SSLException("origin did not negotiate h2 with ALPN (got "
                            + ssl.applicationProtocol() + ")"));
                } else {
                    ready.trySuccess(ch);
                }
            });
        });
    }
}
