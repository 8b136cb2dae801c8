package dev.ferry.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.ListenerConfig;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.TcpConfig;
import dev.ferry.app.server.FerryServer;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.testorigin.BuiltinOrigin;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's QUIC transport counts reach /metrics: packets and bytes of a closed connection, and a handshake a
 * client could not complete (it offered no ALPN the listener speaks).
 */
class QuicTransportMetricsTest {
    @TempDir
    Path state;

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** Scrapes until {@code series} is above zero, for up to 10 s: a connection's figures arrive after its close. */
    private static double awaitPositive(FerryServer relay, String series) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double v = -1;
        while (System.nanoTime() < deadline) {
            v = value(relay.metrics().scrape(), series);
            if (v > 0) {
                return v;
            }
            Thread.sleep(50);
        }
        return v;
    }

    @Test
    void packetsOfAClosedConnectionAndAFailedHandshakeAreCounted() throws Exception {
        try (BuiltinOrigin origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build()
                .start()) {
            ListenerConfig listener = ListenerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0))
                    .withTcp(TcpConfig.disabled());
            FerryConfig config = new FerryConfig("ferry", state, 1, List.of(listener), List.of(),
                    Map.of("app", OriginConfig.of("app", origin.address())),
                    dev.ferry.app.config.HeadersConfig.defaults(), dev.ferry.app.config.AccessLogConfig.defaults());
            try (FerryServer relay = FerryServer.create(config, List.of(), line -> { }).start()) {
                InetSocketAddress address = relay.listenerAddresses().get(0);
                try (Http3Client client = Http3Client.builder().insecure(true).build()) {
                    Http3Connection connection = client.connect(address, "localhost").get(10, TimeUnit.SECONDS);
                    assertEquals(200, connection.send(Http3Request.get("/bytes/50000")).get(10, TimeUnit.SECONDS)
                            .status());
                    connection.close();
                }
                String prefix = "ferry_quic_packets_total{listener=\"default\",what=\"";
                assertTrue(awaitPositive(relay, prefix + "sent\"}") >= 40, "50 KB take dozens of packets");
                assertTrue(value(relay.metrics().scrape(), prefix + "received\"}") > 0);
                assertTrue(value(relay.metrics().scrape(), "ferry_quic_bytes_total{listener=\"default\",what=\"sent\"}")
                        > 50_000);

                offerAnAlpnTheListenerDoesNotSpeak(address);
                assertEquals(1, awaitPositive(relay,
                        "ferry_quic_handshake_failures_total{listener=\"default\",reason=\"error\"}"));
                String scrape = relay.metrics().scrape();
                assertTrue(!scrape.contains("127.0.0.1"), "no address in any label");
            }
        }
    }

    /** A QUIC client offering only ALPN "nope": the listener refuses the handshake (no_application_protocol). */
    private static void offerAnAlpnTheListenerDoesNotSpeak(InetSocketAddress address) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            var ssl = QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .applicationProtocols("nope").build();
            Channel socket = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new QuicClientCodecBuilder().sslContext(ssl)
                            .maxIdleTimeout(5, TimeUnit.SECONDS).initialMaxData(100_000).build())
                    .bind(0).sync().channel();
            var attempt = QuicChannel.newBootstrap(socket).handler(new ChannelInboundHandlerAdapter())
                    .remoteAddress(address).connect().await(10, TimeUnit.SECONDS);
            assertTrue(attempt, "the attempt ended");
            socket.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
