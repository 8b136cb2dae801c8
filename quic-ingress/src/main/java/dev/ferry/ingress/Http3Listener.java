package dev.ferry.ingress;

import dev.ferry.bridge.exchange.ExchangeDriver;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
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

import java.net.InetSocketAddress;
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
    /** The largest request field section accepted (SETTINGS_MAX_FIELD_SECTION_SIZE), as in Netty's default. */
    private static final long MAX_FIELD_SECTION_SIZE = 8192;

    private final LongAdder droppedDatagrams = new LongAdder();
    private Channel channel;

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
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel connection) {
                        connection.pipeline().addLast(new Http3ServerConnectionHandler(
                                new ChannelInitializer<QuicStreamChannel>() {
                                    @Override
                                    protected void initChannel(QuicStreamChannel stream) {
                                        stream.pipeline().addLast(new Http3ExchangeHandler(driver,
                                                settings.extendedConnect()));
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
                .maxFieldSectionSize(MAX_FIELD_SECTION_SIZE);
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

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
