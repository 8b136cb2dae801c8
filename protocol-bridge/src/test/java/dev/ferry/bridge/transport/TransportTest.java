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
