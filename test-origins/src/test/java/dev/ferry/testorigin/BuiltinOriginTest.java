package dev.ferry.testorigin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BuiltinOriginTest {

    private static EventLoopGroup clientGroup;
    private static BuiltinOrigin cleartext;
    private static BuiltinOrigin tls;
    private static SslContext h2ClientContext;
    private static HttpClient http1;

    @BeforeAll
    static void startOrigins() throws Exception {
        clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        cleartext = BuiltinOrigin.builder().build().start();
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        tls = BuiltinOrigin.builder().sslContext(BuiltinOrigin.tlsContext(cert.key(), cert.cert())).build().start();
        h2ClientContext = SslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
        http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stopOrigins() {
        if (cleartext != null) {
            cleartext.close();
        }
        if (tls != null) {
            tls.close();
        }
        if (clientGroup != null) {
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @BeforeEach
    void clear() {
        cleartext.clearRecords();
        tls.clearRecords();
    }

    @Test
    void servesPatternBytesWithContentLengthOverHttp1() throws Exception {
        HttpResponse<byte[]> res = http1.send(get(cleartext, "/bytes/100000"), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, res.statusCode());
        assertEquals("100000", res.headers().firstValue("content-length").orElseThrow());
        assertArrayEquals(PatternBytes.bytes(0, 100_000), res.body());
        // The answer leaves when the head is in; the request's end may be recorded a moment later.
        RecordedRequest recorded = firstRequestOnceComplete(cleartext);
        assertEquals("GET", recorded.method());
        assertEquals("/bytes/100000", recorded.target());
        assertEquals("1.1", recorded.protocol());
        assertTrue(recorded.bodyComplete());
    }

    @Test
    void servesPatternBytesChunkedWhenAsked() throws Exception {
        HttpResponse<byte[]> res = http1.send(get(cleartext, "/bytes/200001?chunked=1"),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("content-length").isEmpty());
        assertArrayEquals(PatternBytes.bytes(0, 200_001), res.body());
    }

    @Test
    void echoesFiveMebibytesOverHttp1() throws Exception {
        byte[] body = randomBytes(5 * 1024 * 1024);
        HttpResponse<byte[]> res = http1.send(HttpRequest.newBuilder(cleartext.uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, res.statusCode());
        assertEquals(Integer.toString(body.length), res.headers().firstValue("content-length").orElseThrow());
        assertArrayEquals(body, res.body());
        assertEquals(body.length, cleartext.requests().get(0).bodyBytes());
    }

    @Test
    void echoesChunkedUploadChunkedOverHttp1() throws Exception {
        byte[] body = randomBytes(300_000);
        HttpResponse<byte[]> res = http1.send(HttpRequest.newBuilder(cleartext.uri("/echo"))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("content-length").isEmpty());
        assertArrayEquals(body, res.body());
    }

    @Test
    void sinkCountsBodyBytes() throws Exception {
        HttpResponse<String> res = http1.send(HttpRequest.newBuilder(cleartext.uri("/sink"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[123_456])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("123456\n", res.body());
        assertEquals("123456", res.headers().firstValue("x-body-bytes").orElseThrow());
    }

    @Test
    void headersEndpointListsReceivedFieldsInOrder() throws Exception {
        HttpResponse<String> res = http1.send(HttpRequest.newBuilder(cleartext.uri("/headers"))
                .header("x-ferry-test", "one").header("x-ferry-test", "two").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        List<String> lines = res.body().lines().toList();
        assertTrue(lines.indexOf("x-ferry-test: one") >= 0, res.body());
        assertTrue(lines.indexOf("x-ferry-test: one") < lines.indexOf("x-ferry-test: two"), res.body());
        assertEquals(List.of("one", "two"), cleartext.requests().get(0).headerValues("X-Ferry-Test"));
    }

    @Test
    void welcomeStatusAndNotFound() throws Exception {
        HttpResponse<String> welcome = http1.send(get(cleartext, "/"), HttpResponse.BodyHandlers.ofString());
        assertTrue(welcome.body().startsWith("Ferry built-in origin\n"), welcome.body());
        assertTrue(welcome.body().contains("protocol: 1.1"), welcome.body());
        assertEquals(503, http1.send(get(cleartext, "/status/503"), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        assertEquals(404, http1.send(get(cleartext, "/nope"), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(3, cleartext.requestCount());
    }

    @Test
    void dieBreaksTheConnectionMidBodyOverHttp1() {
        assertThrows(IOException.class,
                () -> http1.send(get(cleartext, "/die/1000"), HttpResponse.BodyHandlers.ofByteArray()));
    }

    @Test
    void trailersAndConnectionCloseOverRawHttp1() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", cleartext.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /trailers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.US_ASCII); // EOF proves the close
            assertTrue(raw.startsWith("HTTP/1.1 200 OK\r\n"), raw);
            assertTrue(raw.toLowerCase().contains("transfer-encoding: chunked"), raw);
            assertTrue(raw.endsWith("3\r\nok\n\r\n0\r\nx-trailer-one: 1\r\nx-checksum: abc\r\n\r\n"), raw);
        }
    }

    @Test
    void hangKeepsTheRequestOpen() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(cleartext.uri("/hang")).timeout(Duration.ofMillis(300)).build();
        assertThrows(java.net.http.HttpTimeoutException.class,
                () -> http1.send(req, HttpResponse.BodyHandlers.ofString()));
        assertEquals("/hang", cleartext.requests().get(0).target());
    }

    @Test
    void servesTrailersBytesAndEchoOverH2cPriorKnowledge() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(clientGroup, cleartext.address(), null)) {
            exerciseHttp2(client, cleartext);
        }
    }

    @Test
    void servesTrailersBytesAndEchoOverTlsAlpnH2() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(clientGroup, tls.address(), h2ClientContext)) {
            exerciseHttp2(client, tls);
        }
    }

    @Test
    void fallsBackToHttp1OverTlsWithoutH2() throws Exception {
        SslContext http1Only = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_1_1))
                .build();
        assertThrows(IOException.class, () -> Http2TestClient.connect(clientGroup, tls.address(), http1Only));
        HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TrustAll.sslContext()).build();
        HttpResponse<byte[]> res = https.send(get(tls, "/bytes/70000"), HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(PatternBytes.bytes(0, 70_000), res.body());
        assertEquals("1.1", tls.requests().get(tls.requests().size() - 1).protocol());
    }

    private static void exerciseHttp2(Http2TestClient client, BuiltinOrigin origin) throws Exception {
        Http2TestClient.Response trailers = client.request("GET", "/trailers", null).get(5, TimeUnit.SECONDS);
        assertEquals(200, trailers.status());
        assertEquals("ok\n", new String(trailers.body(), StandardCharsets.US_ASCII));
        assertNotNull(trailers.trailers());
        assertEquals("1", trailers.trailers().get("x-trailer-one").toString());
        assertEquals("abc", trailers.trailers().get("x-checksum").toString());

        Http2TestClient.Response bytes = client.request("GET", "/bytes/300000", null).get(5, TimeUnit.SECONDS);
        assertEquals("300000", bytes.headers().get("content-length").toString());
        assertArrayEquals(PatternBytes.bytes(0, 300_000), bytes.body());

        byte[] body = randomBytes(1024 * 1024 + 5);
        Http2TestClient.Response echo = client.request("POST", "/echo", body, "x-ferry-test", "h2")
                .get(10, TimeUnit.SECONDS);
        assertEquals(200, echo.status());
        assertNull(echo.headers().get("content-length"));
        assertArrayEquals(body, echo.body());
        assertEquals(Integer.toString(body.length), echo.trailers().get("x-body-bytes").toString());

        Http2TestClient.Response die = client.request("GET", "/die/200000", null).get(5, TimeUnit.SECONDS);
        assertEquals(Http2Error.INTERNAL_ERROR.code(), die.resetCode());
        assertEquals(200_000, die.body().length);
        assertEquals("400000", die.headers().get("content-length").toString());

        Http2TestClient.Response welcome = client.request("GET", "/", null).get(5, TimeUnit.SECONDS);
        assertTrue(new String(welcome.body(), StandardCharsets.UTF_8).contains("protocol: 2"));

        List<RecordedRequest> recorded = origin.requests();
        assertEquals(5, recorded.size());
        RecordedRequest echoed = recorded.get(2);
        assertEquals("2", echoed.protocol());
        assertEquals("/echo", echoed.path());
        assertEquals("h2", echoed.header("x-ferry-test").orElseThrow());
        assertEquals(body.length, echoed.bodyBytes());
        assertTrue(echoed.bodyComplete());
        assertFalse(recorded.get(3).headers().isEmpty());
    }

    private static HttpRequest get(BuiltinOrigin origin, String path) {
        return HttpRequest.newBuilder(origin.uri(path)).timeout(Duration.ofSeconds(10)).build();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static RecordedRequest firstRequestOnceComplete(BuiltinOrigin origin) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
        RecordedRequest recorded = origin.requests().get(0);
        while (!recorded.bodyComplete() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            recorded = origin.requests().get(0);
        }
        return recorded;
    }
}
