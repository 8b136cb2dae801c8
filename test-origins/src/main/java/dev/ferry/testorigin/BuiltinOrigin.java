package dev.ferry.testorigin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A small origin server on one TCP port speaking HTTP/1.1, h2c with prior knowledge and, with an
 * {@link SslContext}, HTTP/2 or HTTP/1.1 over TLS by ALPN. It stands behind the relay when {@code ferry serve} runs
 * without configuration and gives integration tests an origin whose behaviour they control through the request
 * path (the endpoints are listed in {@code OriginRoutes} and the package documentation) and whose received
 * requests they can inspect.
 *
 * <pre>{@code
 * try (BuiltinOrigin origin = BuiltinOrigin.builder().build().start()) {
 *     URI uri = origin.uri("/bytes/1000");
 *     ...
 *     assertEquals("1.1", origin.requests().get(0).protocol());
 * }
 * }</pre>
 */
public final class BuiltinOrigin implements AutoCloseable {

    private final InetSocketAddress requestedAddress;
    private final SslContext sslContext;
    private final EventLoopGroup givenGroup;
    private final OriginRecorder recorder;
    private final ChannelGroup connections = new DefaultChannelGroup("builtin-origin", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup ownGroup;
    private Channel serverChannel;

    private BuiltinOrigin(Builder b) {
        this.requestedAddress = b.address;
        this.sslContext = b.sslContext;
        this.givenGroup = b.group;
        this.recorder = new OriginRecorder(b.recordLimit);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A server {@link SslContext} offering ALPN {@code h2} then {@code http/1.1}, for {@link Builder#sslContext}.
     * Any context works there; one without ALPN serves HTTP/1.1 only.
     */
    public static SslContext tlsContext(PrivateKey key, X509Certificate... chain) throws SSLException {
        return SslContextBuilder.forServer(key, chain)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    /**
     * Binds the port and starts serving; returns this.
     *
     * @throws IllegalStateException if already started or closed, or if binding fails (the cause says why)
     */
    public synchronized BuiltinOrigin start() {
        if (serverChannel != null || ownGroup != null) {
            throw new IllegalStateException("already started");
        }
        EventLoopGroup group = givenGroup;
        if (group == null) {
            ownGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            group = ownGroup;
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(128 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        if (sslContext != null) {
                            ch.pipeline().addLast(sslContext.newHandler(ch.alloc()),
                                    new OriginProtocolDetector.Alpn(recorder));
                        } else {
                            ch.pipeline().addLast(new OriginProtocolDetector(recorder));
                        }
                    }
                });
        try {
            serverChannel = bootstrap.bind(requestedAddress).sync().channel();
        } catch (Exception e) {
            shutdownOwnGroup();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot bind built-in origin to " + requestedAddress, e);
        }
        return this;
    }

    /** The bound address (with the real port when port 0 was asked for). */
    public InetSocketAddress address() {
        Channel ch = serverChannel;
        if (ch == null) {
            throw new IllegalStateException("not started");
        }
        return (InetSocketAddress) ch.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    /** Whether connections are TLS. */
    public boolean isTls() {
        return sslContext != null;
    }

    /** {@code http(s)://host:port} + {@code path} for this origin. */
    public URI uri(String path) {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create((isTls() ? "https://" : "http://") + host + ":" + a.getPort() + path);
    }

    /** Snapshots of the requests received, oldest first: the newest {@link Builder#recordLimit} of them. */
    public List<RecordedRequest> requests() {
        return recorder.snapshot();
    }

    /** Requests received since start or the last {@link #clearRecords()}, including any dropped from the log. */
    public int requestCount() {
        return recorder.count();
    }

    public void clearRecords() {
        recorder.clear();
    }

    /** Waits until {@link #requestCount()} reaches {@code n}; returns false on timeout. */
    public boolean awaitRequestCount(int n, Duration timeout) throws InterruptedException {
        return recorder.awaitCount(n, timeout);
    }

    /** Stops listening, closes every connection and, if it owns one, shuts its event loop group down. */
    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        connections.close().awaitUninterruptibly();
        shutdownOwnGroup();
    }

    private void shutdownOwnGroup() {
        if (ownGroup != null) {
            ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Settings for a {@link BuiltinOrigin}; each setter documents its default. */
    public static final class Builder {
        private InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
        private SslContext sslContext;
        private EventLoopGroup group;
        private int recordLimit = 10_000;

        private Builder() {
        }

        /** Where to listen. Default {@code 127.0.0.1:0} (an ephemeral port; see {@link BuiltinOrigin#port()}). */
        public Builder address(InetSocketAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * TLS for every connection, or null (the default) for cleartext HTTP/1.1 and h2c with prior knowledge.
         * Offer ALPN {@code h2} and {@code http/1.1} to serve both, for example with {@link BuiltinOrigin#tlsContext}.
         */
        public Builder sslContext(SslContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /** The event loop group to run on, which the caller then shuts down. Default: its own, one thread. */
        public Builder group(EventLoopGroup group) {
            this.group = group;
            return this;
        }

        /** How many requests {@link BuiltinOrigin#requests()} keeps, newest last; 0 keeps none. Default 10,000. */
        public Builder recordLimit(int recordLimit) {
            if (recordLimit < 0) {
                throw new IllegalArgumentException("recordLimit must be >= 0");
            }
            this.recordLimit = recordLimit;
            return this;
        }

        public BuiltinOrigin build() {
            return new BuiltinOrigin(this);
        }
    }
}
