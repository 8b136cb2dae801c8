package dev.ferry.interop.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tech.kwik.agent15.TlsConstants;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicSessionTicket;
import tech.kwik.core.QuicStream;
import tech.kwik.core.log.NullLogger;
import tech.kwik.flupke.impl.Http3ClientConnectionImpl;

/**
 * kwik (QUIC) and flupke (HTTP/3) as an interop runner client, so the matrix has a Java stack nobody here wrote on
 * the client side: the runner's contract ({@code TESTCASE}, {@code REQUESTS}, {@code DOWNLOADS},
 * {@code SSLKEYLOGFILE}; exit 0, 1, or 127 for a case it cannot play), with what kwik 0.10.8 offers:
 * <ul>
 *   <li>HTTP/0.9 ({@code hq-interop}) on parallel streams of one connection, each file's response saved under its
 *       name; HTTP/3 through flupke for {@code http3};</li>
 *   <li>{@code resumption}: the first file, then the rest on a connection given the first one's session ticket;
 *       {@code zerortt}: the same, with the requests sent as 0-RTT early data;</li>
 *   <li>{@code multiconnect}: one connection per file; {@code chacha20}: TLS_CHACHA20_POLY1305_SHA256 only;</li>
 *   <li>127 for {@code keyupdate} (kwik's public API cannot start one), {@code v2}, {@code ecn},
 *       {@code versionnegotiation} and {@code connectionmigration}, and any case it does not know.</li>
 * </ul>
 */
public final class KwikInteropClient {
    private static final List<String> ONE_CONNECTION = List.of("handshake", "transfer", "multiplexing", "retry",
            "chacha20", "http3");
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "keyupdate", "kwik 0.10.8's public API cannot start a key update",
            "v2", "kwik 0.10.8 is not driven with QUIC version 2 here",
            "ecn", "kwik 0.10.8 neither sets nor reads ECN codepoints",
            "versionnegotiation", "this adapter does not offer an unknown version",
            "connectionmigration", "kwik 0.10.8 has no client migration in its public API");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Connections opened so far, numbering their key logs. */
    private static final java.util.concurrent.atomic.AtomicInteger CONNECTIONS =
            new java.util.concurrent.atomic.AtomicInteger();

    private KwikInteropClient() {
    }

    public static void main(String[] args) {
        String testCase = System.getenv().getOrDefault("TESTCASE", "");
        if (UNSUPPORTED.containsKey(testCase) || !ONE_CONNECTION.contains(testCase)
                && !List.of("resumption", "zerortt", "multiconnect").contains(testCase)) {
            System.err.println("kwik client: " + testCase + " not supported: "
                    + UNSUPPORTED.getOrDefault(testCase, "unknown case"));
            System.exit(127);
        }
        List<URI> urls = Arrays.stream(System.getenv().getOrDefault("REQUESTS", "").split(" "))
                .filter(s -> !s.isBlank()).map(URI::create).toList();
        Path downloads = Path.of(System.getenv().getOrDefault("DOWNLOADS", "/downloads"));
        String keys = System.getenv("SSLKEYLOGFILE");
        int exit;
        try {
            new KwikInteropClient().run(testCase, urls, downloads, keys == null ? null : Path.of(keys));
            exit = 0;
        } catch (Exception e) {
            System.err.println("kwik client: " + testCase + " failed: " + e);
            exit = 1;
        }
        if (keys != null) {
            joinKeyLogs(Path.of(keys));
        }
        System.exit(exit);
    }

    /** Appends every connection's key log to {@code keys}, the one file the runner reads, and removes them. */
    private static void joinKeyLogs(Path keys) {
        try (OutputStream out = Files.newOutputStream(keys, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            for (int i = 1; i <= CONNECTIONS.get(); i++) {
                Path one = keys.resolveSibling(keys.getFileName() + "." + i);
                if (Files.isRegularFile(one)) {
                    out.write(Files.readAllBytes(one));
                    Files.delete(one);
                }
            }
        } catch (IOException e) {
            System.err.println("kwik client: cannot join the key logs into " + keys + ": " + e);
        }
    }

    private void run(String testCase, List<URI> urls, Path downloads, Path keys) throws Exception {
        Files.createDirectories(downloads);
        switch (testCase) {
            case "http3" -> http3(urls, downloads, keys);
            case "multiconnect" -> {
                for (URI url : urls) {
                    try (Connection c = Connection.open(url, keys, testCase, null)) {
                        c.fetch(List.of(url), downloads);
                    }
                }
            }
            case "resumption", "zerortt" -> {
                QuicSessionTicket ticket;
                try (Connection first = Connection.open(urls.get(0), keys, testCase, null)) {
                    first.fetch(urls.subList(0, 1), downloads);
                    ticket = first.ticket();
                }
                List<URI> rest = urls.subList(1, urls.size());
                try (Connection second = Connection.open(rest.get(0), keys, testCase, ticket)) {
                    if (testCase.equals("zerortt")) {
                        second.fetchEarly(rest, downloads);
                    } else {
                        second.connect();
                        second.fetch(rest, downloads);
                    }
                }
            }
            default -> {
                try (Connection c = Connection.open(urls.get(0), keys, testCase, null)) {
                    c.connect();
                    c.fetch(urls, downloads);
                }
            }
        }
    }

    /** HTTP/3 through flupke on one kwik connection, the GETs in parallel. */
    private static void http3(List<URI> urls, Path downloads, Path keys) throws Exception {
        ExecutorService executor = Executors.newCachedThreadPool(daemon("kwik-h3"));
        QuicClientConnection quic = builder(urls.get(0), keys, "h3", null).build();
        try {
            Http3ClientConnectionImpl h3 = new Http3ClientConnectionImpl(quic, executor);
            h3.connect();
            List<Future<?>> gets = new ArrayList<>();
            for (URI url : urls) {
                gets.add(executor.submit(() -> {
                    HttpResponse<Path> response = h3.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).build(),
                            HttpResponse.BodyHandlers.ofFile(downloads.resolve(name(url))));
                    if (response.statusCode() != 200) {
                        throw new IOException(url + ": status " + response.statusCode());
                    }
                    return null;
                }));
            }
            awaitAll(gets);
        } finally {
            quic.close();
            executor.shutdownNow();
        }
    }

    /** One hq-interop connection. */
    private static final class Connection implements AutoCloseable {
        private final QuicClientConnection quic;
        private final ExecutorService executor = Executors.newCachedThreadPool(daemon("kwik-hq"));

        private Connection(QuicClientConnection quic) {
            this.quic = quic;
        }

        static Connection open(URI server, Path keys, String testCase, QuicSessionTicket ticket) throws IOException {
            return new Connection(builder(server, keys, "hq-interop", ticket, testCase.equals("chacha20")).build());
        }

        void connect() throws IOException {
            quic.connect();
        }

        /** Every file on its own stream, all at once (kwik holds a stream back until the server's limit allows). */
        void fetch(List<URI> urls, Path downloads) throws Exception {
            if (!quic.isConnected()) {
                quic.connect();
            }
            List<Future<?>> gets = new ArrayList<>();
            for (URI url : urls) {
                gets.add(executor.submit(() -> {
                    save(send(url).getInputStream(), downloads.resolve(name(url)));
                    return null;
                }));
            }
            awaitAll(gets);
        }

        /** A new stream with the request for {@code url} on it, its output closed. */
        private QuicStream send(URI url) throws IOException {
            QuicStream stream = quic.createStream(true);
            try (OutputStream out = stream.getOutputStream()) {
                out.write(request(url));
            }
            return stream;
        }

        /** The requests as 0-RTT early data on the resumed connection, then the answers read after it. */
        void fetchEarly(List<URI> urls, Path downloads) throws Exception {
            List<QuicClientConnection.StreamEarlyData> early = urls.stream()
                    .map(u -> new QuicClientConnection.StreamEarlyData(request(u), true)).toList();
            List<QuicStream> streams = quic.connect(early);
            if (streams.size() < urls.size()) {
                System.err.println("kwik client: " + streams.size() + " of " + urls.size() + " requests went as 0-RTT");
            }
            List<Future<?>> gets = new ArrayList<>();
            for (int i = 0; i < urls.size(); i++) {
                URI url = urls.get(i);
                QuicStream sent = i < streams.size() ? streams.get(i) : null;
                gets.add(executor.submit(() -> {
                    QuicStream stream = sent != null ? sent : send(url);
                    save(stream.getInputStream(), downloads.resolve(name(url)));
                    return null;
                }));
            }
            awaitAll(gets);
        }

        /** The session ticket the server sent, waiting a little for it: it may follow the handshake's end. */
        QuicSessionTicket ticket() throws InterruptedException, IOException {
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (quic.getNewSessionTickets().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<QuicSessionTicket> tickets = quic.getNewSessionTickets();
            if (tickets.isEmpty()) {
                throw new IOException("the server sent no session ticket");
            }
            return tickets.get(tickets.size() - 1);
        }

        @Override
        public void close() {
            quic.closeAndWait();
            executor.shutdownNow();
        }
    }

    private static QuicClientConnection.Builder builder(URI server, Path keys, String alpn, QuicSessionTicket ticket) {
        return builder(server, keys, alpn, ticket, false);
    }

    private static QuicClientConnection.Builder builder(URI server, Path keys, String alpn, QuicSessionTicket ticket,
                                                        boolean chacha20) {
        QuicClientConnection.Builder b = QuicClientConnection.newBuilder()
                .uri(URI.create("https://" + server.getHost() + ":" + server.getPort()))
                .version(QuicConnection.QuicVersion.V1)
                .applicationProtocol(alpn)
                .connectTimeout(TIMEOUT)
                .maxIdleTimeout(TIMEOUT)
                .noServerCertificateCheck()
                .logger(new NullLogger());
        if (keys != null) {
            // kwik starts the file afresh for each connection: each gets its own, joined at the end.
            b.secrets(keys.resolveSibling(keys.getFileName() + "." + CONNECTIONS.incrementAndGet()));
        }
        if (ticket != null) {
            b.sessionTicket(ticket);
        }
        if (chacha20) {
            b.cipherSuite(TlsConstants.CipherSuite.TLS_CHACHA20_POLY1305_SHA256);
        }
        return b;
    }

    private static void awaitAll(List<Future<?>> futures) throws Exception {
        for (Future<?> f : futures) {
            f.get();
        }
    }

    private static byte[] request(URI url) {
        return ("GET " + url.getRawPath() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static String name(URI url) {
        String path = url.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static void save(InputStream in, Path file) throws IOException {
        try (in; OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
