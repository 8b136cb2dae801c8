package dev.ferry.bridge.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TransportTest {

    @Test
    void autoPrefersEpollAndFallsBackToNio() {
        assertEquals(Transport.EPOLL, Transport.choose(null, "FERRY_TRANSPORT", true, null));
        assertEquals(Transport.EPOLL, Transport.choose(" Auto ", "FERRY_TRANSPORT", true, null));
        assertEquals(Transport.NIO, Transport.choose("", "FERRY_TRANSPORT", false, new UnsatisfiedLinkError("x")));
    }

    @Test
    void nioCanBeForcedWhereEpollLoads() {
        assertEquals(Transport.NIO, Transport.choose("nio", "-Dferry.transport", true, null));
    }

    @Test
    void epollAskedForWhereItCannotLoadNamesTheCause() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Transport.choose("epoll", "FERRY_TRANSPORT", false, new UnsatisfiedLinkError("no libnetty")));
        assertTrue(e.getMessage().contains("FERRY_TRANSPORT=epoll"), e.getMessage());
        assertTrue(e.getMessage().contains("no libnetty"), e.getMessage());
    }

    @Test
    void anUnknownValueNamesTheSourceAndTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Transport.choose("io_uring", "-Dferry.transport", true, null));
        assertEquals("-Dferry.transport: 'io_uring' is not a transport; expected auto, epoll or nio", e.getMessage());
    }

    @Test
    void readingIsNotTurnedBackOnAfterThePeersFin() throws Exception {
        Transport transport = Transport.selected();
        EventLoopGroup group = transport.newGroup(1);
        try {
            io.netty.channel.Channel server = new io.netty.bootstrap.ServerBootstrap().group(group)
                    .channel(transport.serverSocketChannel())
                    .childHandler(new io.netty.channel.ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(io.netty.channel.ChannelHandlerContext ctx) {
                            ((io.netty.channel.socket.SocketChannel) ctx.channel()).shutdownOutput();
                        }
                    })
                    .bind(new java.net.InetSocketAddress("127.0.0.1", 0)).sync().channel();
            java.util.concurrent.CountDownLatch fin = new java.util.concurrent.CountDownLatch(1);
            io.netty.channel.socket.SocketChannel client = (io.netty.channel.socket.SocketChannel)
                    new io.netty.bootstrap.Bootstrap().group(group).channel(transport.socketChannel())
                            .option(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true)
                            .handler(new io.netty.channel.ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx,
                                                               Object evt) {
                                    if (evt == io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE) {
                                        ctx.channel().config().setAutoRead(false);
                                        fin.countDown();
                                    }
                                }
                            })
                            .connect(server.localAddress()).sync().channel();
            assertTrue(fin.await(5, java.util.concurrent.TimeUnit.SECONDS), "the server's FIN arrived");
            // On epoll, turning reading back on here would throw (epoll_ctl on a socket it no longer watches).
            client.eventLoop().submit(() -> Transport.setReading(client, true)).sync();
            assertTrue(client.isActive(), "the half-closed socket is still open for writing");
            assertEquals(false, client.config().isAutoRead(), "reading stays off: nothing is left to read");
            client.eventLoop().submit(() -> Transport.setReading(client, false)).sync();
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void aGroupKnowsItsTransport() {
        EventLoopGroup nio = Transport.NIO.newGroup(1);
        try {
            assertEquals(Transport.NIO, Transport.of(nio));
        } finally {
            nio.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
        }
        assumeTrue(Epoll.isAvailable(), "the native epoll library loads only on Linux x86_64");
        EventLoopGroup epoll = Transport.EPOLL.newGroup(1);
        try {
            assertEquals(Transport.EPOLL, Transport.of(epoll));
        } finally {
            epoll.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
