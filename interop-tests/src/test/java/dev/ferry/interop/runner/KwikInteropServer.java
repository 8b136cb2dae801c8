package dev.ferry.interop.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;
import tech.kwik.flupke.server.Http3ApplicationProtocolFactory;
import tech.kwik.flupke.server.HttpServerResponse;

/**
 * kwik (QUIC) and flupke (HTTP/3) as an interop runner server: {@code WWW} served on UDP {@code PORT} (443) with
 * {@code CERTS/cert.pem} and {@code priv.key}, over HTTP/0.9 ({@code hq-interop}: one {@code GET /path} per
 * stream, the file's bytes back) for every case but {@code http3}, which gets flupke's HTTP/3 server. {@code retry}
 * makes kwik send a Retry to every new client. Exit 127 for the cases kwik cannot serve: {@code chacha20} (no way to
 * restrict the server's cipher suites), {@code v2}, {@code ecn}, {@code connectionmigration} (no preferred address)
 * and any case it does not know. kwik writes no TLS key log on the server side; the runner reads the capture with
 * the client's.
 */
public final class KwikInteropServer {
    private static final List<String> CASES = List.of("handshake", "transfer", "retry", "resumption", "zerortt",
            "multiconnect", "http3", "keyupdate");
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "chacha20", "kwik's server API offers no way to restrict its cipher suites",
            "v2", "the server is not driven with QUIC version 2 here",
            "ecn", "kwik 0.10.8 neither sets nor reads ECN codepoints",
            "connectionmigration", "kwik's server offers no preferred_address");

    private KwikInteropServer() {
    }

    public static void main(String[] args) throws Exception {
        String testCase = System.getenv().getOrDefault("TESTCASE", "");
        if (!CASES.contains(testCase)) {
            System.err.println("kwik server: " + testCase + " not supported: "
                    + UNSUPPORTED.getOrDefault(testCase, "unknown case"));
            System.exit(127);
        }
        Path www = Path.of(System.getenv().getOrDefault("WWW", "/www"));
        Path certs = Path.of(System.getenv().getOrDefault("CERTS", "/certs"));
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "443"));
        ServerConnectionConfig config = ServerConnectionConfig.builder()
                .maxIdleTimeoutInSeconds(30)
                .maxOpenPeerInitiatedBidirectionalStreams(100)
                .maxOpenPeerInitiatedUnidirectionalStreams(10)
                .maxConnectionBufferSize(10_000_000)
                .maxBidirectionalStreamBufferSize(1_000_000)
                .maxUnidirectionalStreamBufferSize(1_000_000)
                .retryRequired(testCase.equals("retry"))
                .build();
        ServerConnector server;
        try (InputStream cert = Files.newInputStream(certs.resolve("cert.pem"));
             InputStream key = Files.newInputStream(certs.resolve("priv.key"))) {
            server = ServerConnector.builder()
                    .withSocket(new DatagramSocket(new InetSocketAddress("::", port)))
                    .withCertificate(cert, key)
                    .withSupportedVersion(QuicConnection.QuicVersion.V1)
                    .withConfiguration(config)
                    .withLogger(new NullLogger())
                    .build();
        }
        if (testCase.equals("http3")) {
            server.registerApplicationProtocol("h3", new Http3ApplicationProtocolFactory((request, response) -> {
                serveHttp3(www, request.path(), response);
            }));
        } else {
            server.registerApplicationProtocol("hq-interop", new Hq09(www));
        }
        server.start();
        System.err.println("kwik server: " + testCase + " on UDP " + port + ", serving " + www);
        Thread.currentThread().join();
    }

    private static void serveHttp3(Path www, String path, HttpServerResponse response) throws IOException {
        Path file = resolve(www, path);
        if (file == null) {
            response.setStatus(404);
            response.getOutputStream().close();
            return;
        }
        response.setStatus(200);
        try (OutputStream out = response.getOutputStream()) {
            Files.copy(file, out);
        }
    }

    /** The file under {@code www} that {@code path} names, or null when there is none (or it leaves www). */
    private static Path resolve(Path www, String path) {
        Path file = www.resolve(path.replaceFirst("^/+", "")).normalize();
        return file.startsWith(www.normalize()) && Files.isRegularFile(file) ? file : null;
    }

    /** HTTP/0.9 over QUIC: each client stream carries {@code GET /path\r\n} and gets the file back. */
    private static final class Hq09 implements ApplicationProtocolConnectionFactory {
        private final Path www;
        private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kwik-hq-stream");
            t.setDaemon(true);
            return t;
        });

        Hq09(Path www) {
            this.www = www;
        }

        @Override
        public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
            // kwik hands each stream the client opens to the connection's acceptPeerInitiatedStream.
            return new ApplicationProtocolConnection() {
                @Override
                public void acceptPeerInitiatedStream(QuicStream stream) {
                    executor.submit(() -> serve(stream));
                }
            };
        }

        @Override
        public int maxConcurrentPeerInitiatedBidirectionalStreams() {
            return 100;
        }

        private void serve(QuicStream stream) {
            try (OutputStream out = stream.getOutputStream()) {
                String line = new String(stream.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                Path file = line.startsWith("GET ") ? resolve(www, line.substring(4).trim()) : null;
                if (file == null) {
                    stream.resetStream(0x10);
                    return;
                }
                Files.copy(file, out);
            } catch (IOException e) {
                System.err.println("kwik server: stream " + stream.getStreamId() + ": " + e);
            }
        }
    }
}
