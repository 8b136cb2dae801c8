package dev.ferry.http3.client;

import dev.ferry.testorigin.Http3TestOrigin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Http3ClientTest {
    private static Http3TestOrigin server;
    private static Http3Client client;
    private static Http3Connection connection;

    @BeforeAll
    static void start() throws Exception {
        server = new Http3TestOrigin();
        client = Http3Client.builder().insecure(true).connectTimeout(Duration.ofSeconds(5)).build();
        connection = client.connect(server.address(), "localhost").get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void getReturnsBody() throws Exception {
        Http3Response response = connection.send(Http3Request.get("/hello")).get(10, TimeUnit.SECONDS);
        assertEquals(200, response.status());
        assertEquals("hello", response.bodyAsString());
        assertEquals(5, response.bodyLength());
        assertTrue(response.total().compareTo(response.timeToHead()) >= 0);
    }

    @Test
    void postEchoesThreeMebibytes() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024];
        new Random(42).nextBytes(body);
        Http3Response response = connection.send(Http3Request.post("/echo", body)).get(30, TimeUnit.SECONDS);
        assertEquals(200, response.status());
        assertArrayEquals(sha256(body), sha256(response.body()));
        assertEquals(Integer.toString(body.length), response.trailers().get("x-echo-bytes").toString());
    }

    @Test
    void postStreamsFileBody(@TempDir Path dir) throws Exception {
        byte[] body = new byte[1024 * 1024 + 17];
        new Random(7).nextBytes(body);
        Path file = Files.write(dir.resolve("upload.bin"), body);
        Http3Request request = Http3Request.builder("POST", "/echo").header("X-Test", "1")
                .body(RequestBody.of(file)).build();
        Http3Response response = connection.send(request).get(30, TimeUnit.SECONDS);
        assertArrayEquals(sha256(body), sha256(response.body()));
    }

    @Test
    void downloadsToFile(@TempDir Path dir) throws Exception {
        int n = 8 * 1024 * 1024 + 3;
        Path out = dir.resolve("download.bin");
        Http3Response response = connection.sendTo(Http3Request.get("/bytes?n=" + n), out)
                .get(30, TimeUnit.SECONDS);
        assertEquals(200, response.status());
        assertNull(response.body());
        assertEquals(n, response.bodyLength());
        assertEquals(n, Files.size(out));
        try (InputStream in = Files.newInputStream(out)) {
            byte[] buf = new byte[65536];
            long i = 0;
            for (int r; (r = in.read(buf)) > 0; ) {
                for (int j = 0; j < r; j++, i++) {
                    if (buf[j] != (byte) (i % 251)) {
                        throw new AssertionError("byte " + i + " differs");
                    }
                }
            }
        }
    }

    @Test
    void serverResetFailsWithErrorName() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> connection.send(Http3Request.get("/reset")).orTimeout(10, TimeUnit.SECONDS).join());
        Http3StreamResetException reset = assertInstanceOf(Http3StreamResetException.class, e.getCause());
        assertEquals(0x10c, reset.errorCode());
        assertTrue(reset.getMessage().contains("H3_REQUEST_CANCELLED"), reset.getMessage());
        // The connection survives a stream reset.
        assertEquals(200, connection.send(Http3Request.get("/hello")).join().status());
    }

    @Test
    void connectToSilentPortTimesOut() throws Exception {
        InetSocketAddress silent;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silent = new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }
        try (Http3Client quick = Http3Client.builder().insecure(true).connectTimeout(Duration.ofSeconds(1)).build()) {
            long start = System.nanoTime();
            CompletionException e = assertThrows(CompletionException.class,
                    () -> quick.connect(silent, "localhost").join());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertInstanceOf(Http3ConnectException.class, e.getCause());
            assertEquals("cannot connect to 127.0.0.1:" + silent.getPort() + ": handshake timed out after 1s",
                    e.getCause().getMessage());
            assertTrue(millis < 5000, "took " + millis + " ms");
        }
    }

    @Test
    void verifiesCertificateAndHostname() throws Exception {
        try (Http3Client strict = Http3Client.builder().caFile(server.certificateFile()).build()) {
            Http3Connection ok = strict.connect(server.address(), "localhost").get(10, TimeUnit.SECONDS);
            assertEquals("hello", ok.send(Http3Request.get("/hello")).get(10, TimeUnit.SECONDS).bodyAsString());
            CompletionException wrongName = assertThrows(CompletionException.class,
                    () -> strict.connect(server.address(), "other.example").join());
            assertInstanceOf(Http3ConnectException.class, wrongName.getCause());
        }
        try (Http3Client defaultTrust = Http3Client.builder().build()) {
            CompletionException untrusted = assertThrows(CompletionException.class,
                    () -> defaultTrust.connect(server.address(), "localhost").join());
            assertInstanceOf(Http3ConnectException.class, untrusted.getCause());
        }
    }

    @Test
    void rejectsInvalidHeaders() {
        assertThrows(IllegalArgumentException.class,
                () -> Http3Request.builder("GET", "/").header("bad name", "x").build());
        assertThrows(IllegalArgumentException.class,
                () -> Http3Request.builder("GET", "/").header("connection", "close").build());
        assertThrows(IllegalArgumentException.class,
                () -> Http3Request.builder("GET", "/").header("x", "a\r\nb").build());
        assertEquals("x-upper", Http3Request.builder("GET", "/").header("X-Upper", "v").build()
                .headers().get(0).getKey());
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
