package dev.ferry.ingress;

import dev.ferry.http3.Http3DatagramRouter;
import dev.ferry.http3.PeerSettingsHandler;

import dev.ferry.bridge.exchange.ExchangeDriver;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3SettingsFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3Settings;
import io.netty.handler.codec.http3.Http3SettingsFrame;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * An HTTP/3 listener: one UDP socket with Netty's QUIC codec, an HTTP/3 connection handler per QUIC connection and
 * an {@link Http3ExchangeHandler} per request stream, which hands each request to the {@link ExchangeDriver}.
 */
public final class Http3Listener implements AutoCloseable {
    private final InetSocketAddress requestedAddress;
    private final QuicSslContext sslContext;
    private final QuicListenerSettings settings;
    private final ExchangeDriver driver;
    private final EventLoopGroup group;

    private final LongAdder droppedDatagrams = new LongAdder();
    private Channel channel;
    private volatile boolean closed;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    private Http3Listener(InetSocketAddress address, QuicSslContext sslContext, QuicListenerSettings settings,
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
     * @param sslContext a server context whose application protocols include {@code h3}
     */
    public static Http3Listener create(InetSocketAddress address, QuicSslContext sslContext,
                                       QuicListenerSettings settings, ExchangeDriver driver, EventLoopGroup group) {
        return new Http3Listener(address, sslContext, settings, driver, group);
    }

    /** Binds the UDP socket; returns once it is bound. */
    public Http3Listener start() throws InterruptedException {
        QuicServerCodecBuilder builder = Http3.newQuicServerCodecBuilder();
        if (settings.datagrams()) {
            builder.datagram(QuicListenerSettings.DATAGRAM_QUEUE, QuicListenerSettings.DATAGRAM_QUEUE);
        }
        ChannelHandler codec = builder
                .sslContext(sslContext)
                .maxIdleTimeout(settings.maxIdleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(settings.initialMaxData())
                .initialMaxStreamDataBidirectionalLocal(settings.initialMaxStreamData())
                .initialMaxStreamDataBidirectionalRemote(settings.initialMaxStreamData())
                .initialMaxStreamsBidirectional(settings.maxConcurrentStreams())
                .maxSendUdpPayloadSize(settings.maxUdpPayload())
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel connection) {
                        connections.add(connection);
                        connection.pipeline().addLast(new Http3ServerConnectionHandler(
                                new ChannelInitializer<QuicStreamChannel>() {
                                    @Override
                                    protected void initChannel(QuicStreamChannel stream) {
                                        if (ConnectionDrain.of(stream.parent()).admit(stream)) {
                                            // In front of Netty's frame codec, which the initializer put first.
                                            stream.pipeline().addFirst(
                                                    new FieldSectionGuard(settings.maxFieldSectionSize()));
                                            stream.pipeline().addLast(new Http3ExchangeHandler(driver,
                                                    settings.extendedConnect(),
                                                    settings.requestHeadTimeout().toMillis()));
                                        }
                                    }
                                }, new PeerSettingsHandler(), null, localSettings(), true));
                        if (settings.datagrams()) {
                            connection.pipeline().addLast(new Http3DatagramRouter(droppedDatagrams));
                        }
                    }
                })
                .build();
        channel = new Bootstrap().group(group)
                .channel(NioDatagramChannel.class)
                .handler(codec)
                .bind(requestedAddress).sync().channel();
        return this;
    }

    /** Our SETTINGS: extended CONNECT and HTTP Datagrams only when tunnels need them. */
    private Http3SettingsFrame localSettings() {
        // Netty's defaults minus the two tunnel settings, which are left out (not sent as 0) unless enabled.
        Http3Settings http3 = new Http3Settings().qpackMaxTableCapacity(0).qpackBlockedStreams(0)
                .maxFieldSectionSize(settings.maxFieldSectionSize());
        if (settings.extendedConnect()) {
            http3.enableConnectProtocol(true);
        }
        if (settings.datagrams()) {
            http3.enableH3Datagram(true);
        }
        return new DefaultHttp3SettingsFrame(http3);
    }

    /** QUIC DATAGRAM frames dropped because they were malformed or named no open stream. */
    public long droppedDatagrams() {
        return droppedDatagrams.sum();
    }

    /** The bound address, with the real port when port 0 was asked for. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Shuts down gracefully: every connection gets GOAWAY, the requests already accepted may finish for up to
     * {@code grace}, new ones are refused with H3_REQUEST_REJECTED; then everything is closed.
     */
    public void close(Duration grace) {
        for (Channel connection : connections) {
            connection.eventLoop().execute(() -> ConnectionDrain.of(connection).goAway(connection));
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && !allIdle()) {
            if (!pause(20)) {
                break;
            }
        }
        // A finished stream may still have bytes in quiche's send buffer: wait until the connections stop sending
        // (everything acknowledged) before closing them, or the end of the last responses would be lost.
        long sent = -1;
        while (System.nanoTime() < deadline) {
            long now = sentBytes();
            if (now == sent) {
                break;
            }
            sent = now;
            if (!pause(150)) {
                break;
            }
        }
        close();
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Bytes sent so far on every open connection, as quiche counts them. */
    private long sentBytes() {
        long total = 0;
        for (Channel connection : connections) {
            try {
                total += ((QuicChannel) connection).collectStats().get(1, TimeUnit.SECONDS).sentBytes();
            } catch (Exception e) {
                // A connection that closed meanwhile sends nothing more.
            }
        }
        return total;
    }

    private boolean allIdle() {
        for (Channel connection : connections) {
            boolean[] idle = {true};
            try {
                connection.eventLoop().submit(() -> idle[0] = ConnectionDrain.of(connection).idle()).sync();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
            if (!idle[0]) {
                return false;
            }
        }
        return true;
    }

    /** Closes at once: open streams end abruptly. Closing twice does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
