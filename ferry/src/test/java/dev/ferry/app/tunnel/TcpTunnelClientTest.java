package dev.ferry.app.tunnel;

import dev.ferry.http3.tunnel.TcpTunnelClient;
import dev.ferry.http3.tunnel.TunnelOptions;

import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpTunnelClientTest {
    private static final int SIZE = 5 * 1024 * 1024;
    private static final int CHUNK = 32 * 1024;

    @TempDir
    static Path stateDir;
    private static TunnelFixture fixture;
    private static Http3Client client;
    private static Http3Connection connection;

    @BeforeAll
    static void start() throws Exception {
        fixture = new TunnelFixture(stateDir);
        client = Http3Client.builder().insecure(true).build();
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

    /**
     * 5 MiB out and back through CONNECT, written only while the stream is writable; then our FIN reaches the echo
     * server as EOF, it closes, and its FIN comes back as the end of the tunnel.
     */
    @Test
    void fiveMebibytesRoundTripAndHalfClose() throws Exception {
        byte[] data = new byte[SIZE];
        new Random(42).nextBytes(data);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long[] receivedBytes = new long[1];
        CompletableFuture<Void> end = new CompletableFuture<>();
        AtomicReference<Runnable> pump = new AtomicReference<>();
        int eofBefore = fixture.tcpEcho.eofSeen.get();
        TcpTunnelClient tunnel = TcpTunnelClient.open(connection, "127.0.0.1", fixture.tcpEcho.port(),
                TunnelOptions.defaults(), new TcpTunnelClient.Listener() {
                    @Override
                    public void onData(ByteBuf buf) {
                        receivedBytes[0] += buf.readableBytes();
                        received.update(buf.nioBuffer());
                        buf.release();
                    }

                    @Override
                    public void onEnd() {
                        end.complete(null);
                    }

                    @Override
                    public void onWritabilityChanged(boolean writable) {
                        if (writable && pump.get() != null) {
                            pump.get().run();
                        }
                    }
                }).get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        int[] offset = new int[1];
        pump.set(() -> {
            while (offset[0] < SIZE && tunnel.isWritable()) {
                int n = Math.min(CHUNK, SIZE - offset[0]);
                tunnel.write(Unpooled.wrappedBuffer(data, offset[0], n));
                offset[0] += n;
                if (offset[0] == SIZE) {
                    tunnel.shutdownOutput();
                }
            }
        });
        connection.quicChannel().eventLoop().execute(pump.get());
        end.get(60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        tunnel.closed().get(10, TimeUnit.SECONDS);
        System.out.printf(Locale.ROOT, "TCP echo via CONNECT: %d bytes each way in %.3f s, %.1f MB/s each way%n",
                receivedBytes[0], seconds, receivedBytes[0] / seconds / 1e6);
        assertEquals(SIZE, receivedBytes[0]);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), received.digest());
        assertEquals(SIZE, tunnel.bytesSent());
        assertTrue(fixture.tcpEcho.eofSeen.get() > eofBefore, "the echo server saw the client's FIN as EOF");
    }
}
