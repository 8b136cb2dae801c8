package dev.ferry.app.cli;

import dev.ferry.testorigin.Http3TestOrigin;
import dev.ferry.tools.bench.BenchOptions;
import dev.ferry.tools.bench.BenchResult;
import dev.ferry.tools.bench.LoadGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code ferry bench} for about two seconds against the small HTTP/3 test origin.
 */
class BenchCommandTest {
    private static Http3TestOrigin server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        server = new Http3TestOrigin();
        port = server.address().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private String url(String path) {
        return "https://127.0.0.1:" + port + path;
    }

    @Test
    void closedModelJsonAndHistogram(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path histogram = dir.resolve("latency.hgrm");
        int exit = new CommandLine(new BenchCommand(new PrintStream(out, true), new PrintStream(err, true)))
                .execute("-k", "--connections", "2", "--streams", "4", "--duration", "2s", "--warmup", "300ms",
                        "--json", "--histogram", histogram.toString(), "--cpu-pid", Long.toString(ProcessHandle.current().pid()),
                        url("/bytes?n=1024"));
        String json = out.toString(StandardCharsets.UTF_8).trim();
        assertEquals(0, exit, err + json);
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        for (String key : new String[] {"requests_per_second", "body_bytes_per_second", "latency_ms", "p50", "p99.9",
                "errors", "client_cpu_seconds"}) {
            assertTrue(json.contains("\"" + key + "\""), key + " missing in " + json);
        }
        long requests = (long) number(json, "requests");
        assertTrue(requests > 0, json);
        assertEquals(0, (long) number(json, "error_count"), json);
        assertEquals(requests * 1024, (long) number(json, "body_bytes"), 1024L * 8, json);
        assertTrue(number(json, "server_cpu_seconds") > 0, json);
        double p50 = number(json, "p50");
        double p90 = number(json, "p90");
        double p99 = number(json, "p99");
        double p999 = number(json, "p99.9");
        double max = number(json, "max");
        assertTrue(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= p999 && p999 <= max, json);
        String distribution = Files.readString(histogram);
        assertTrue(distribution.contains("Value     Percentile TotalCount 1/(1-Percentile)"), distribution);
        assertTrue(distribution.contains("#[Max     ="), distribution);
    }

    /** One qlog file per connection, JSON-SEQ with quiche's header, for qvis. */
    @Test
    void writesAQlogPerConnection(@TempDir Path dir) throws Exception {
        Path qlogs = dir.resolve("qlog");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(new BenchCommand(new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true))).execute("-k", "--connections", "2", "--streams", "2", "--duration", "500ms",
                "--warmup", "0s", "--qlog-dir", qlogs.toString(), url("/bytes?n=100"));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        try (var files = Files.list(qlogs)) {
            List<Path> written = files.toList();
            assertEquals(2, written.size(), written.toString());
            for (Path f : written) {
                String text = Files.readString(f);
                assertTrue(text.contains("\"serialization_format\":\"JSON-SEQ\"") && text.contains("\u001e{"),
                        f + ": " + text.substring(0, Math.min(200, text.length())));
                assertTrue(text.contains("packet_sent") && text.contains("packet_received"), f.toString());
            }
        }
    }

    @Test
    void openModelCountsStatusErrorsAndUploads() throws Exception {
        BenchOptions echo = options("/echo", "POST", 100_000, 0);
        BenchResult uploads = new LoadGenerator(echo).run("echo");
        assertTrue(uploads.requests() > 0, uploads.toJson());
        assertEquals(0, uploads.errorCount(), uploads.toJson());
        assertEquals(uploads.requests() * 100_000, uploads.uploadedBytes());

        BenchOptions missing = options("/missing", "GET", 0, 200);
        BenchResult notFound = new LoadGenerator(missing).run("missing");
        assertEquals(0, notFound.requests(), notFound.toJson());
        long count = notFound.errors().getOrDefault("status-404", 0L);
        // 200 req/s for one second; the scheduler may round at the edges.
        assertTrue(count >= 150 && count <= 250, notFound.toJson());
    }

    private static BenchOptions options(String path, String method, long bodySize, double rate) {
        return new BenchOptions(new InetSocketAddress("127.0.0.1", port), "localhost", "localhost:" + port, path,
                method, bodySize, 1, 4, Duration.ofSeconds(1), 0, Duration.ofMillis(200), rate,
                Duration.ofSeconds(10), true, 1);
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(-?[0-9.]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }
}
