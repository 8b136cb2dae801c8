package dev.ferry.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.ListenerConfig;
import dev.ferry.bridge.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedPortTest {

    @Test
    void aTakenPortIsRecognisedOnEveryTransport() throws Exception {
        EventLoopGroup group = Transport.selected().newGroup(1);
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Throwable failure = new ServerBootstrap().group(group).channel(Transport.selected().serverSocketChannel())
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress("127.0.0.1", taken.getLocalPort())).await().cause();
            assertTrue(FerryServer.addressInUse(failure), Transport.selected() + ": " + failure);
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
        assertTrue(FerryServer.addressInUse(new RuntimeException(new java.net.BindException("x"))));
        assertFalse(FerryServer.addressInUse(new IOException("Permission denied")));
    }

    /**
     * With port 0, the TCP side takes the port the QUIC side got; when that port is taken on TCP, both sides move
     * to another. A collision cannot be arranged (the system picks the UDP port), so 200 TCP ports are held to make
     * one likelier; what this always checks is that the two sides agree. The trigger of the retry is checked above.
     */
    @Test
    void aListenerOnPortZeroFindsAPortFreeOnBothUdpAndTcp() throws Exception {
        List<ServerSocket> held = new ArrayList<>();
        Path state = Files.createTempDirectory("shared-port");
        try {
            for (int i = 0; i < 200; i++) {
                held.add(new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()));
            }
            for (int i = 0; i < 5; i++) {
                FerryConfig base = FerryConfig.defaults(new InetSocketAddress("127.0.0.1", 9));
                ListenerConfig listener = base.listeners().get(0).withAddress(new InetSocketAddress("127.0.0.1", 0));
                FerryConfig config = new FerryConfig(base.proxyName(), state, 1, List.of(listener), base.routes(),
                        base.origins(), base.headers(), base.accessLog());
                try (FerryServer server = FerryServer.create(config).start()) {
                    assertEquals(server.listeners().get(0).localAddress().getPort(),
                            server.tcpListeners().get(0).localAddress().getPort());
                }
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
