package dev.ferry.http3.client;

import dev.ferry.http3.Http3DatagramRouter;
import dev.ferry.http3.QuicPacketSizes;
import dev.ferry.http3.QuicSockets;
import dev.ferry.bridge.transport.Transport;
import dev.ferry.http3.tls.KeylogFile;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.DefaultHttp3SettingsFrame;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3Settings;
import io.netty.handler.codec.http3.Http3SettingsFrame;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Opens {@link Http3Connection}s with one TLS configuration and one event loop group. It exists so that the
 * {@code get} command and the benchmark share the connection set-up that is easy to get subtly wrong with Netty's QUIC
 * codec: SNI (sent only when the engine is built with the peer host), hostname verification, ALPN {@code h3}, flow
 * control windows and a handshake timeout with a readable message.
 */
public final class Http3Client implements AutoCloseable {
    /** QUIC DATAGRAM frames queued each way before the QUIC stack drops them, as UDP would. */
    private static final int DATAGRAM_QUEUE = 1024;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final QuicSslContext sslContext;
    private final Duration maxIdleTimeout;
    private final Duration connectTimeout;
    private final long initialMaxData;
    private final long initialMaxStreamData;
    private final boolean datagrams;
    private final int maxUdpPayload;
    /** Null for no qlog. */
    private final String qlogDir;
    private final Set<Http3Connection> connections = ConcurrentHashMap.newKeySet();

    private Http3Client(Builder b) {
        Quic.ensureAvailability();
        this.maxIdleTimeout = b.maxIdleTimeout;
        this.connectTimeout = b.connectTimeout;
        this.initialMaxData = b.initialMaxData;
        this.initialMaxStreamData = b.initialMaxStreamData;
        this.datagrams = b.datagrams;
        this.maxUdpPayload = b.maxUdpPayload;
        this.qlogDir = b.qlogDir;
        QuicSslContextBuilder ssl = QuicSslContextBuilder.forClient()
                .applicationProtocols(Http3.supportedApplicationProtocols());
        if (b.insecure) {
            ssl.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            if (b.caFile != null) {
                ssl.trustManager(b.caFile.toFile());
            }
            ssl.endpointIdentificationAlgorithm("HTTPS");
        }
        KeylogFile keylog = KeylogFile.fromEnvironment(System.err);
        if (keylog != null) {
            ssl.keylog(keylog);
        }
        this.sslContext = ssl.build();
        this.ownsGroup = b.group == null;
        this.group = ownsGroup ? Transport.selected().newGroup(1) : b.group;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Connects to {@code address}, presenting {@code serverName} as SNI and checking the certificate against it
     * (unless insecure). The future fails with {@link Http3ConnectException} if the handshake does not complete
     * within the connect timeout.
     */
    public CompletableFuture<Http3Connection> connect(InetSocketAddress address, String serverName) {
        return connect(address, serverName, address.getPort());
    }

    /**
     * As {@link #connect(InetSocketAddress, String)}, for a server reached at another address than its own: through
     * a tunnel's local socket, say. Requests then name it by {@code serverName} and {@code authorityPort}, its own
     * port, not the local socket's: the {@code :authority} of a request is the server's (RFC 9114 4.3.1), and a
     * local port would only tell the server something about the client.
     */
    public CompletableFuture<Http3Connection> connect(InetSocketAddress address, String serverName,
                                                      int authorityPort) {
        Objects.requireNonNull(address, "address");
        String name = serverName != null ? serverName : address.getHostString();
        CompletableFuture<Http3Connection> result = new CompletableFuture<>();
        QuicClientCodecBuilder builder = Http3.newQuicClientCodecBuilder();
        if (datagrams) {
            builder.datagram(DATAGRAM_QUEUE, DATAGRAM_QUEUE);
        }
        ChannelHandler codec = builder
                .sslEngineProvider(q -> sslContext.newEngine(q.alloc(), name, address.getPort()))
                .maxIdleTimeout(maxIdleTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(initialMaxData)
                .initialMaxStreamDataBidirectionalLocal(initialMaxStreamData)
                .initialMaxStreamDataBidirectionalRemote(initialMaxStreamData)
                // Both ways: inside a tunnel, the server's packets must fit the tunnel's datagrams too.
                .maxSendUdpPayloadSize(maxUdpPayload)
                .maxRecvUdpPayloadSize(maxUdpPayload)
                .build();
        QuicSockets.bootstrap(group, maxUdpPayload).handler(QuicSockets.pipeline(codec))
                .bind(0).addListener(bound -> {
                    if (!bound.isSuccess()) {
                        result.completeExceptionally(new Http3ConnectException(address,
                                "cannot open a UDP socket: " + bound.cause(), bound.cause()));
                        return;
                    }
                    Channel datagram = ((io.netty.channel.ChannelFuture) bound).channel();
                    handshake(datagram, address, name, authorityPort, result);
                });
        return result;
    }

    private void handshake(Channel datagram, InetSocketAddress address, String name, int authorityPort,
                           CompletableFuture<Http3Connection> result) {
        long timeoutMillis = connectTimeout.toMillis();
        Http3DatagramRouter httpDatagrams = datagrams ? new Http3DatagramRouter() : null;
        var bootstrap = QuicChannel.newBootstrap(datagram)
                .handler(connectionHandler(httpDatagrams))
                .remoteAddress(address)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, QuicSockets.segmentedPackets(group));
        if (qlogDir != null) {
            // A directory: quiche writes one file per connection into it.
            bootstrap.option(QuicChannelOption.QLOG, new io.netty.handler.codec.quic.QLogConfiguration(qlogDir,
                    "ferry HTTP/3 client", "connection to " + address));
        }
        bootstrap.connect()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        QuicChannel quic = (QuicChannel) f.getNow();
                        Http3Connection connection = new Http3Connection(quic, datagram, name, authorityPort,
                                address, httpDatagrams);
                        connections.add(connection);
                        quic.closeFuture().addListener(c -> connections.remove(connection));
                        result.complete(connection);
                    } else {
                        datagram.close();
                        result.completeExceptionally(new Http3ConnectException(address,
                                describe(f.cause(), connectTimeout), f.cause()));
                    }
                });
    }

    /**
     * The QUIC connection's pipeline: Netty's default HTTP/3 client handler, or, with datagrams on, one that announces
     * SETTINGS_H3_DATAGRAM, reads the server's SETTINGS and is followed by the HTTP Datagram layer. The datagram
     * handler must be there from the start: the QUIC codec reports the peer's datagram limit once, at handshake.
     */
    private static ChannelHandler connectionHandler(Http3DatagramRouter httpDatagrams) {
        if (httpDatagrams == null) {
            return new Http3ClientConnectionHandler();
        }
        return new ChannelInitializer<QuicChannel>() {
            @Override
            protected void initChannel(QuicChannel quic) {
                Http3SettingsFrame settings = new DefaultHttp3SettingsFrame(
                        Http3Settings.defaultSettings().enableH3Datagram(true));
                quic.pipeline().addLast(new Http3ClientConnectionHandler(httpDatagrams.settingsReader(), null, null,
                        settings, true), httpDatagrams);
            }
        };
    }

    private static String describe(Throwable cause, Duration timeout) {
        if (cause instanceof ConnectTimeoutException) {
            return "handshake timed out after " + format(timeout);
        }
        String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        if (message.contains("TLS_FAIL") || message.contains("CERT") || message.contains("certificate")) {
            return "TLS handshake failed: " + message;
        }
        return message;
    }

    /** Formats a duration the way users write it on the command line: {@code 10s}, {@code 1500ms}. */
    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** Connections that are currently open. */
    public List<Http3Connection> connections() {
        return new ArrayList<>(connections);
    }

    /** Closes all open connections and, if the client created it, its event loop group. */
    @Override
    public void close() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Http3Connection c : connections) {
            closing.add(c.closeAsync());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // Best effort: the group shutdown below closes whatever is left.
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Settings for {@link Http3Client}; defaults suit a command-line client on a fast network. */
    public static final class Builder {
        private boolean insecure;
        private Path caFile;
        private EventLoopGroup group;
        private Duration maxIdleTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private long initialMaxData = 32L * 1024 * 1024;
        private long initialMaxStreamData = 8L * 1024 * 1024;
        private boolean datagrams;
        private int maxUdpPayload = QuicPacketSizes.DEFAULT_MAX_UDP_PAYLOAD;
        private String qlogDir;

        private Builder() {
        }

        /** An existing directory for one qlog file per connection (quiche's JSON-SEQ); none by default. */
        public Builder qlogDir(String dir) {
            this.qlogDir = dir;
            return this;
        }

        /** Accept any server certificate and skip hostname checks (testing only). */
        public Builder insecure(boolean insecure) {
            this.insecure = insecure;
            return this;
        }

        /** Trust the PEM certificates in this file instead of the JDK's default trust store. */
        public Builder caFile(Path caFile) {
            this.caFile = caFile;
            return this;
        }

        /** Event loop group to run on; {@code null} (the default) makes the client create and own one thread. */
        public Builder group(EventLoopGroup group) {
            this.group = group;
            return this;
        }

        /** QUIC idle timeout advertised to the server. */
        public Builder maxIdleTimeout(Duration maxIdleTimeout) {
            this.maxIdleTimeout = Objects.requireNonNull(maxIdleTimeout);
            return this;
        }

        /** How long the QUIC handshake may take before {@link #connect} fails. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout);
            return this;
        }

        /** Connection-level receive window in bytes. */
        public Builder initialMaxData(long bytes) {
            this.initialMaxData = bytes;
            return this;
        }

        /** Per-stream receive window in bytes; bounds how much of a response is in flight per stream. */
        public Builder initialMaxStreamData(long bytes) {
            this.initialMaxStreamData = bytes;
            return this;
        }

        /**
         * Offer QUIC DATAGRAM frames and SETTINGS_H3_DATAGRAM (RFC 9297), as CONNECT-UDP wants; off by default.
         * Connections then expose {@link Http3Connection#datagrams()}.
         */
        public Builder datagrams(boolean datagrams) {
            this.datagrams = datagrams;
            return this;
        }

        /**
         * The largest UDP payload to send, and to accept (the {@code max_udp_payload_size} transport parameter
         * the server must keep to), 1200 (QUIC's minimum) or more; {@link QuicPacketSizes} says why the
         * default is 1350 and what a connection inside a tunnel should use.
         */
        public Builder maxUdpPayload(int bytes) {
            if (bytes < QuicPacketSizes.QUIC_MINIMUM || bytes > 65527) {
                throw new IllegalArgumentException("max UDP payload must be 1200 to 65527 bytes, got " + bytes);
            }
            this.maxUdpPayload = bytes;
            return this;
        }

        public Http3Client build() {
            return new Http3Client(this);
        }
    }
}
