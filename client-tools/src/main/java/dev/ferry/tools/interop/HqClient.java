package dev.ferry.tools.interop;

import dev.ferry.http3.QuicSockets;
import dev.ferry.http3.tls.KeylogFile;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.SslEarlyDataReadyEvent;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * HTTP/0.9 over QUIC, ALPN {@code hq-interop}: the interop runner's protocol for every case but {@code http3}. A
 * file is one bidirectional stream: {@code GET /path}, a line end and the client's FIN; the server answers with the
 * file's bytes and its FIN, and has no status: a stream it resets is a failed download.
 *
 * <p>The TLS context is built once, so that connections share its session cache (see {@link ResumptionProbe}).
 * Each engine is built with the URL's host and port, which key that cache. Netty sends the host as SNI only when it
 * holds a dot and is no IP address, so the runner's {@code server4} travels without SNI; resumption does not need
 * it on the client's side, since the cache is keyed by the engine's host, not by SNI.
 */
public final class HqClient implements FileClient {
    public static final String ALPN = "hq-interop";
    private final EventLoopGroup group;
    private final FileClientSettings settings;
    private final QuicSslContext sslContext;
    private final ResumptionProbe probe = new ResumptionProbe();
    private final Set<HqConnection> open = ConcurrentHashMap.newKeySet();

    /**
     * A client on {@code group} (the caller's, closed by the caller). {@code SSLKEYLOGFILE}, when set, receives the
     * TLS secrets (the runner decrypts its captures with them); the notice that it is on goes to {@code warnings}.
     */
    public HqClient(EventLoopGroup group, FileClientSettings settings, PrintStream warnings) {
        Quic.ensureAvailability();
        this.group = group;
        this.settings = settings;
        // Early data on: a resumed connection may send 0-RTT, which only connectEarly acts on.
        QuicSslContextBuilder ssl = QuicSslContextBuilder.forClient().applicationProtocols(ALPN)
                .trustManager(probe).endpointIdentificationAlgorithm(null).earlyData(true);
        KeylogFile keylog = KeylogFile.fromEnvironment(warnings);
        if (keylog != null) {
            ssl.keylog(keylog);
        }
        this.sslContext = ssl.build();
    }

    @Override
    public String applicationProtocol() {
        return ALPN;
    }

    @Override
    public CompletableFuture<FileConnection> connect(InetSocketAddress address, String host) {
        return connect(address, host, null);
    }

    @Override
    public CompletableFuture<FileConnection> connectEarly(InetSocketAddress address, String host,
                                                          Consumer<FileConnection> whenRequestsMayGo) {
        return connect(address, host, whenRequestsMayGo);
    }

    /** {@code early}: null for a plain connect, else called once when requests may go (see connectEarly). */
    private CompletableFuture<FileConnection> connect(InetSocketAddress address, String host,
                                                      Consumer<FileConnection> early) {
        CompletableFuture<FileConnection> result = new CompletableFuture<>();
        ChannelHandler codec = new QuicClientCodecBuilder()
                .sslEngineProvider(q -> sslContext.newEngine(q.alloc(), host, address.getPort()))
                .maxIdleTimeout(settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(settings.initialMaxData())
                .initialMaxStreamDataBidirectionalLocal(settings.initialMaxStreamData())
                // hq-interop servers open no streams: no credit for them.
                .initialMaxStreamsBidirectional(0)
                .initialMaxStreamsUnidirectional(0)
                .maxSendUdpPayloadSize(settings.maxUdpPayload())
                .maxRecvUdpPayloadSize(settings.maxUdpPayload())
                .build();
        QuicSockets.bootstrap(group, settings.maxUdpPayload()).handler(QuicSockets.pipeline(codec)).bind(0)
                .addListener((ChannelFuture bound) -> {
                    if (bound.isSuccess()) {
                        handshake(bound.channel(), address, early, result);
                    } else {
                        result.completeExceptionally(new IOException("cannot open a UDP socket: " + bound.cause(),
                                bound.cause()));
                    }
                });
        return result;
    }

    private void handshake(Channel datagram, InetSocketAddress address, Consumer<FileConnection> early,
                           CompletableFuture<FileConnection> result) {
        AtomicReference<HqConnection> made = new AtomicReference<>();
        var bootstrap = QuicChannel.newBootstrap(datagram)
                // Streams get their handlers when they are opened; the connection's only hears of early data.
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (early != null && evt instanceof SslEarlyDataReadyEvent && made.get() == null) {
                            // 0-RTT keys are ready: the caller's requests leave before the handshake ends. Netty
                            // fires this inside its send, where a nested write would wait for the next packet
                            // or timer, so the caller must only schedule its writes on this loop.
                            early.accept(made.updateAndGet(c -> opened((QuicChannel) ctx.channel(), datagram)));
                        }
                        ctx.fireUserEventTriggered(evt);
                    }
                })
                .remoteAddress(address)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, QuicSockets.segmentedPackets(group));
        if (settings.qlogDir() != null) {
            // A directory: quiche writes one file per connection into it.
            bootstrap.option(QuicChannelOption.QLOG, new io.netty.handler.codec.quic.QLogConfiguration(
                    settings.qlogDir(), "ferry interop client", "hq-interop to " + address));
        }
        bootstrap.connect()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        QuicChannel quic = (QuicChannel) f.getNow();
                        if (made.get() == null) {
                            HqConnection connection = made.updateAndGet(c -> opened(quic, datagram));
                            if (early != null) {
                                early.accept(connection);
                            }
                        }
                        result.complete(made.get());
                    } else {
                        datagram.close();
                        result.completeExceptionally(new IOException("QUIC handshake with " + address + " failed: "
                                + f.cause(), f.cause()));
                    }
                });
    }

    private HqConnection opened(QuicChannel quic, Channel datagram) {
        HqConnection connection = new HqConnection(quic, datagram, probe);
        open.add(connection);
        quic.closeFuture().addListener(c -> open.remove(connection));
        return connection;
    }

    @Override
    public void close() {
        for (HqConnection connection : open) {
            connection.closeAsync().orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
