package dev.ferry.ingress;

import dev.ferry.http3.Http3DatagramRouter;
import dev.ferry.http3.PeerSettingsHandler;
import dev.ferry.http3.QuicSockets;
import dev.ferry.http3.StreamWriteCoalescer;

import dev.ferry.bridge.exchange.ExchangeDriver;
import dev.ferry.bridge.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http3.DefaultHttp3SettingsFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3Settings;
import io.netty.handler.codec.http3.Http3SettingsFrame;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.quic.QLogConfiguration;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionPathStats;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicCodecDispatcher;
import io.netty.handler.codec.quic.QuicConnectionIdGenerator;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * An HTTP/3 listener: UDP sockets with Netty's QUIC codec, an HTTP/3 connection handler per QUIC connection and
 * an {@link Http3ExchangeHandler} per request stream, which hands each request to the {@link ExchangeDriver}.
 * Configured for {@code hq-interop} instead, it serves HTTP/0.9 over QUIC ({@link Hq09ConnectionHandler}) to the same
 * driver, for the QUIC interop runner.
 *
 * <p>On epoll the listener binds one socket per event loop of its group, all on the same address
 * ({@code SO_REUSEPORT}): the kernel spreads clients over them by address, and Netty's {@link QuicCodecDispatcher}
 * puts the socket's index into every connection ID it issues, so that a packet that reaches another socket (after
 * the client's address changed, say) still finds its connection. Each connection, with its streams and origin
 * exchanges, stays on one loop. On NIO there is one socket, on one loop.
 */
public final class Http3Listener implements AutoCloseable {
    private final InetSocketAddress requestedAddress;
    private final QuicSslContext sslContext;
    private final QuicListenerSettings settings;
    private final ExchangeDriver driver;
    private final EventLoopGroup group;

    private final LongAdder droppedDatagrams = new LongAdder();
    /** Null unless the listener accepts 0-RTT early data. */
    private final EarlyRequests earlyRequests;
    private final List<Channel> sockets = new ArrayList<>();
    /** Keyed by the UDP socket a connection was accepted on: how evenly the kernel spreads clients. */
    private final Map<Channel, LongAdder> acceptedBySocket = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final LongAdder requestStreams = new LongAdder();
    private final QuicTransportTotals transport = new QuicTransportTotals();

    private Http3Listener(InetSocketAddress address, QuicSslContext sslContext, QuicListenerSettings settings,
                          ExchangeDriver driver, EventLoopGroup group) {
        this.requestedAddress = Objects.requireNonNull(address, "address");
        this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.driver = Objects.requireNonNull(driver, "driver");
        this.group = Objects.requireNonNull(group, "group");
        this.earlyRequests = settings.earlyData() ? new EarlyRequests() : null;
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

    /** Binds the UDP sockets; returns once they are bound. */
    public Http3Listener start() throws InterruptedException {
        List<EventLoop> loops = new ArrayList<>();
        group.forEach(executor -> loops.add((EventLoop) executor));
        Bootstrap socket = QuicSockets.bootstrap(group, settings.maxUdpPayload());
        if (loops.size() == 1 || !Transport.of(group).sharesPorts()) {
            sockets.add(socket.handler(QuicSockets.pipeline(codecBuilder().build())).bind(requestedAddress).sync()
                    .channel());
            return this;
        }
        QuicCodecDispatcher dispatcher = new QuicCodecDispatcher() {
            @Override
            protected void initChannel(Channel channel, int localConnectionIdLength,
                                       QuicConnectionIdGenerator idGenerator) {
                channel.pipeline().addLast(codecBuilder().localConnectionIdLength(localConnectionIdLength)
                        .connectionIdAddressGenerator(idGenerator).build());
            }
        };
        socket.option(EpollChannelOption.SO_REUSEPORT, true).handler(QuicSockets.pipeline(dispatcher));
        // The first socket settles the port (when 0 was asked for); the others join it, one on each loop.
        InetSocketAddress address = requestedAddress;
        try {
            for (EventLoop loop : loops) {
                Channel bound = socket.clone(loop).bind(address).sync().channel();
                sockets.add(bound);
                address = new InetSocketAddress(requestedAddress.getAddress(),
                        ((InetSocketAddress) bound.localAddress()).getPort());
            }
        } catch (RuntimeException | InterruptedException e) {
            sockets.forEach(Channel::close);
            sockets.clear();
            throw e;
        }
        return this;
    }

    /** A fresh codec builder with this listener's settings: one per socket, since each gets its own ID scheme. */
    private QuicServerCodecBuilder codecBuilder() {
        QuicServerCodecBuilder builder = Http3.newQuicServerCodecBuilder();
        if (settings.datagrams()) {
            builder.datagram(QuicListenerSettings.DATAGRAM_QUEUE, QuicListenerSettings.DATAGRAM_QUEUE);
        }
        if (settings.retryTokens() != null) {
            builder.tokenHandler(settings.retryTokens());
        }
        if (settings.qlogDir() != null) {
            // A directory: quiche writes one file per connection into it, named by the channel's id.
            builder.option(QuicChannelOption.QLOG, new QLogConfiguration(settings.qlogDir(), "ferry",
                    "connections of the listener on " + requestedAddress));
        }
        return builder
                .sslContext(sslContext)
                .maxIdleTimeout(settings.maxIdleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(settings.initialMaxData())
                .initialMaxStreamDataBidirectionalLocal(settings.initialMaxStreamData())
                .initialMaxStreamDataBidirectionalRemote(settings.initialMaxStreamData())
                .initialMaxStreamsBidirectional(settings.maxConcurrentStreams())
                .maxSendUdpPayloadSize(settings.maxUdpPayload())
                .activeConnectionIdLimit(QuicPaths.ACTIVE_CONNECTION_ID_LIMIT)
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, QuicSockets.segmentedPackets(group))
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel connection) {
                        connections.add(connection);
                        transport.follow(connection);
                        acceptedBySocket.computeIfAbsent(connection.parent(), socket -> new LongAdder()).increment();
                        if (earlyRequests != null) {
                            EarlyData.install(connection);
                        }
                        if (settings.hqInterop()) {
                            connection.pipeline().addLast(new Hq09ConnectionHandler(driver, earlyRequests));
                            return;
                        }
                        connection.pipeline().addLast(new Http3ServerConnectionHandler(
                                new ChannelInitializer<QuicStreamChannel>() {
                                    @Override
                                    protected void initChannel(QuicStreamChannel stream) {
                                        requestStreams.increment();
                                        if (ConnectionDrain.of(stream.parent()).admit(stream)) {
                                            // In front of Netty's frame codec, which the initializer put first.
                                            stream.pipeline().addFirst(
                                                    new FieldSectionGuard(settings.maxFieldSectionSize()));
                                            // Below the codec: a response's frames leave in one packet.
                                            stream.pipeline().addFirst(new StreamWriteCoalescer());
                                            stream.pipeline().addLast(new Http3ExchangeHandler(driver,
                                                    settings.extendedConnect(),
                                                    settings.requestHeadTimeout().toMillis(), earlyRequests));
                                        }
                                    }
                                }, new PeerSettingsHandler(), null, localSettings(), true));
                        if (settings.datagrams()) {
                            connection.pipeline().addLast(new Http3DatagramRouter(droppedDatagrams));
                        }
                    }
                });
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

    /** What became of requests read in 0-RTT early data, or null when the listener takes none. */
    public EarlyRequests earlyRequests() {
        return earlyRequests;
    }

    /** The bound address, with the real port when port 0 was asked for. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) sockets.get(0).localAddress();
    }

    /** How many UDP sockets serve this listener's address: one per event loop on epoll, else one. */
    public int socketCount() {
        return sockets.size();
    }

    /** The addresses of the clients connected now (for an operator who asked to see them). */
    public List<InetSocketAddress> clientAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (Channel connection : connections) {
            if (((QuicChannel) connection).remoteSocketAddress() instanceof InetSocketAddress inet) {
                addresses.add(inet);
            }
        }
        return addresses;
    }

    /** Packets, bytes and failed handshakes of this listener's closed connections. */
    public QuicTransportTotals transportTotals() {
        return transport;
    }

    /**
     * quiche's smoothed round-trip time of the first path of up to {@code max} open connections, in nanoseconds,
     * each read on its connection's event loop. Connections that close meanwhile, or whose loop does not answer
     * within {@code timeout}, are left out.
     */
    public CompletableFuture<long[]> sampleRtts(int max, Duration timeout) {
        List<CompletableFuture<Long>> reads = new ArrayList<>();
        for (Channel connection : connections) {
            if (reads.size() >= max) {
                break;
            }
            CompletableFuture<Long> rtt = new CompletableFuture<>();
            ((QuicChannel) connection).collectPathStats(0).addListener(f -> rtt.complete(
                    f.isSuccess() ? ((QuicConnectionPathStats) f.getNow()).rtt() : -1L));
            reads.add(rtt.completeOnTimeout(-1L, timeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done ->
                reads.stream().mapToLong(CompletableFuture::join).filter(n -> n > 0).toArray());
    }

    /** QUIC connections open now. */
    public int openConnections() {
        return connections.size();
    }

    /** HTTP/3 request streams clients opened on this listener since start (refused ones during a drain too). */
    public long requestStreams() {
        return requestStreams.sum();
    }

    /** Connections accepted on each socket since start, in the order the sockets were bound. */
    public List<Long> acceptedPerSocket() {
        List<Long> counts = new ArrayList<>();
        for (Channel socket : sockets) {
            LongAdder n = acceptedBySocket.get(socket);
            counts.add(n == null ? 0L : n.sum());
        }
        return counts;
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
        for (Channel socket : sockets) {
            socket.close().syncUninterruptibly();
        }
    }
}
