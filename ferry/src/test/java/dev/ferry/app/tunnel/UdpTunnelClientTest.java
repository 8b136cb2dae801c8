package dev.ferry.app.tunnel;

import dev.ferry.http3.tunnel.TunnelException;
import dev.ferry.http3.tunnel.TunnelOptions;
import dev.ferry.http3.tunnel.UdpTunnelClient;

import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpTunnelClientTest {
    private static final int COUNT = 1000;
    private static final int WINDOW = 50;
    private static final int MAX_SIZE = 1100;

    @TempDir
    static Path stateDir;
    private static TunnelFixture fixture;
    private static Http3Client client;
    private static Http3Connection connection;

    @BeforeAll
    static void start() throws Exception {
        fixture = new TunnelFixture(stateDir);
        client = Http3Client.builder().insecure(true).datagrams(true).build();
        connection = client.connect(fixture.relayAddress(), "localhost").get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Payload {@code i}: a size unique to it (37 and 1,100 are coprime), so the size names the payload. */
    static byte[] payload(int i) {
        byte[] b = new byte[1 + (i * 37) % MAX_SIZE];
        for (int j = 0; j < b.length; j++) {
            b[j] = (byte) (i + j * 13);
        }
        return b;
    }

    @Test
    void thousandDatagramsViaQuicDatagrams() throws Exception {
        Result r = echo(TunnelOptions.defaults(), "QUIC datagrams");
        assertTrue(r.received >= COUNT * 99 / 100, "only " + r.received + " of " + COUNT + " came back");
        assertEquals(0, r.stats.sentAsCapsules(), "every payload fits a QUIC datagram");
        assertTrue(r.stats.received() - r.stats.receivedAsCapsules() > 0, "answers came in QUIC datagrams");
    }

    @Test
    void thousandDatagramsViaCapsules() throws Exception {
        Result r = echo(TunnelOptions.defaults().withForceCapsules(true), "capsules");
        assertEquals(COUNT, r.received, "capsules are reliable");
        assertEquals(COUNT, r.stats.sentAsCapsules());
        assertEquals(COUNT, r.stats.receivedAsCapsules());
    }

    /**
     * RFC 9298 5 / RFC 9297 3.5: on a tunnel with QUIC datagrams, a payload too large for one is dropped and
     * counted, not carried as a capsule (which would mislead the sender's path MTU discovery); the tunnel goes on.
     */
    @Test
    void payloadTooLargeForQuicDatagramIsDroppedNotSentAsCapsule() throws Exception {
        LinkedBlockingQueue<byte[]> back = new LinkedBlockingQueue<>();
        UdpTunnelClient tunnel = UdpTunnelClient.open(connection, "127.0.0.1", fixture.udpEcho.port(),
                TunnelOptions.defaults(), buf -> back.add(bytes(buf))).get(10, TimeUnit.SECONDS);
        try {
            assertTrue(tunnel.usesQuicDatagrams());
            int max = tunnel.maxDatagramPayload();
            assertTrue(max > 1000 && max < 1400, "max QUIC datagram payload " + max);
            byte[] big = new byte[max + 1];
            Arrays.fill(big, (byte) 0x5a);
            byte[] fits = new byte[max];
            Arrays.fill(fits, (byte) 0x3c);
            tunnel.send(Unpooled.wrappedBuffer(big));
            tunnel.send(Unpooled.wrappedBuffer(fits));
            byte[] answer = back.poll(10, TimeUnit.SECONDS);
            assertNotNull(answer, "no answer to the " + max + "-byte payload that fits");
            assertArrayEquals(fits, answer);
            assertNull(back.poll(500, TimeUnit.MILLISECONDS), "the payload too large for a datagram went through");
            UdpTunnelClient.Stats stats = tunnel.stats();
            assertEquals(1, stats.tooLarge(), stats.toString());
            assertEquals(1, stats.dropped(), stats.toString());
            assertEquals(0, stats.sentAsCapsules(), stats.toString());
            assertEquals(0, stats.receivedAsCapsules(), stats.toString());
        } finally {
            tunnel.close();
        }
        tunnel.closed().get(10, TimeUnit.SECONDS);
    }

    @Test
    void forbiddenTargetIsRefusedWithStatusAndProxyStatus() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> UdpTunnelClient.open(connection,
                "10.0.0.1", 9, TunnelOptions.defaults(), ByteBuf::release).get(10, TimeUnit.SECONDS));
        TunnelException refusal = assertInstanceOf(TunnelException.class, e.getCause());
        assertEquals(403, refusal.status(), refusal.getMessage());
        assertTrue(refusal.proxyStatus().contains("destination_ip_prohibited"), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("403"), refusal.getMessage());
    }

    private record Result(int received, UdpTunnelClient.Stats stats) {
    }

    private static Result echo(TunnelOptions options, String mode) throws Exception {
        Semaphore window = new Semaphore(WINDOW);
        ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
        int[] idBySize = new int[MAX_SIZE + 1];
        for (int i = 0; i < COUNT; i++) {
            idBySize[payload(i).length] = i;
        }
        AtomicInteger corrupt = new AtomicInteger();
        UdpTunnelClient tunnel = UdpTunnelClient.open(connection, "127.0.0.1", fixture.udpEcho.port(), options,
                buf -> {
                    byte[] got = bytes(buf);
                    int id = got.length <= MAX_SIZE ? idBySize[got.length] : -1;
                    if (id >= 0 && Arrays.equals(payload(id), got)) {
                        seen.put(id, Boolean.TRUE);
                    } else {
                        corrupt.incrementAndGet();
                    }
                    window.release();
                }).get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        try {
            for (int i = 0; i < COUNT; i++) {
                // A lost datagram never returns its permit: after a pause, go on as if it had.
                window.tryAcquire(200, TimeUnit.MILLISECONDS);
                tunnel.send(Unpooled.wrappedBuffer(payload(i)));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (seen.size() < COUNT && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            tunnel.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        tunnel.closed().get(10, TimeUnit.SECONDS);
        UdpTunnelClient.Stats stats = tunnel.stats();
        System.out.printf(Locale.ROOT, "UDP echo via %s: %d/%d back in %.3f s, %.0f datagrams/s round trip "
                        + "(window %d); %s%n", mode, seen.size(), COUNT, seconds, seen.size() / seconds, WINDOW, stats);
        assertEquals(0, corrupt.get(), "payloads that came back altered");
        return new Result(seen.size(), stats);
    }

    static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
