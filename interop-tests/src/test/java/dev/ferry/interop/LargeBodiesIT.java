package dev.ferry.interop;

import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.Http3Response;
import dev.ferry.http3.client.RequestBody;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.PatternBytes;
import dev.ferry.interop.support.FreePorts;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.WorkDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves backpressure end to end: a 1 GiB download and a 1 GiB upload pass through a relay that runs in its own
 * JVM with a 256 MiB heap (and, by Netty's default, as much direct memory), bytes equal. A relay that buffered
 * bodies would die with OutOfMemoryError. The peak heap seen by the garbage collector is printed for the record.
 */
class LargeBodiesIT {
    private static final long ONE_GIB = 1L << 30;
    private static final Pattern HEAP_AFTER_GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private static Path work;
    private static BuiltinOrigin origin;
    private static Process relay;
    private static int relayPort;

    @BeforeAll
    static void startRelayInSmallHeap() throws Exception {
        work = WorkDirs.create("large-bodies");
        origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build().start();
        relayPort = FreePorts.udp();
        Path config = work.resolve("relay.yaml");
        Files.writeString(config, """
                state-dir: %s
                listeners:
                  - name: main
                    address: 127.0.0.1:%d
                origins:
                  builtin:
                    protocol: h1
                    endpoints: [127.0.0.1:%d]
                access-log:
                  enabled: false
                """.formatted(work.resolve("state"), relayPort, origin.port()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        relay = new ProcessBuilder(java, "-Xmx256m", "-Xlog:gc:file=" + work.resolve("gc.log"),
                "-cp", System.getProperty("java.class.path"), "dev.ferry.app.FerryMain", "serve", "--config",
                config.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.contains("listening on")) {
                break;
            }
        }
        assertTrue(relay.isAlive(), "relay did not start:\n" + seen);
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "relay-output");
        drain.setDaemon(true);
        drain.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.destroy();
            relay.waitFor(10, TimeUnit.SECONDS);
            relay.destroyForcibly();
        }
        if (origin != null) {
            origin.close();
        }
        System.out.println("[large-bodies] relay peak heap before GC: " + peakHeapMiB(work.resolve("gc.log"))
                + " MiB of 256 MiB");
    }

    @Test
    void oneGibDownloadPassesWithBytesEqualThroughRelayWith256MiBHeap() throws Exception {
        Path dir = Files.createDirectories(work.resolve("download"));
        String uri = "https://127.0.0.1:" + relayPort + "/bytes/" + ONE_GIB;
        long start = System.nanoTime();
        // Quiet: without -q gtlsclient logs every packet, and a gigabyte of them made the client the bottleneck
        // (about 19 MB/s). The checks below are on the file, not on printed statuses.
        GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relayPort).quiet()
                .timeout(Duration.ofMinutes(4)).fetch(dir, uri);
        double seconds = (System.nanoTime() - start) / 1e9;
        Path file = result.download(uri).orElseThrow(() -> new AssertionError("nothing downloaded:\n"
                + result.stderr()));
        assertEquals(ONE_GIB, Files.size(file), "downloaded size");
        assertEquals(patternSha256(ONE_GIB), Hashes.sha256(file), "downloaded bytes");
        assertTrue(relay.isAlive(), "relay died");
        System.out.printf("[large-bodies] 1 GiB download via gtlsclient: %.1f s, %.1f MB/s%n", seconds,
                ONE_GIB / seconds / 1e6);
        Files.delete(file);
    }

    @Test
    void oneGibUploadPassesWithBytesEqualThroughRelayWith256MiBHeap() throws Exception {
        try (Http3Client client = Http3Client.builder().insecure(true).maxIdleTimeout(Duration.ofSeconds(60))
                .build()) {
            Http3Connection connection = client.connect(new InetSocketAddress("127.0.0.1", relayPort), "localhost")
                    .get(10, TimeUnit.SECONDS);
            Http3Request request = Http3Request.builder("POST", "/sink")
                    .body(RequestBody.generated(ONE_GIB, PatternBytes::chunk)).build();
            long start = System.nanoTime();
            CompletableFuture<Http3Response> sent = connection.send(request);
            Http3Response response = sent.get(5, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(200, response.status());
            assertEquals(Long.toString(ONE_GIB), response.headers().get("x-body-bytes").toString());
            assertEquals(patternSha256(ONE_GIB), response.headers().get("x-body-sha256").toString(),
                    "bytes the origin received");
            assertTrue(relay.isAlive(), "relay died");
            System.out.printf("[large-bodies] 1 GiB upload via Ferry's client: %.1f s, %.1f MB/s%n", seconds,
                    ONE_GIB / seconds / 1e6);
        }
    }

    private static String patternSha256(long length) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (long offset = 0; offset < length; offset += PatternBytes.CHUNK_SIZE) {
            int len = (int) Math.min(PatternBytes.CHUNK_SIZE, length - offset);
            digest.update(PatternBytes.bytes(offset, len));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static long peakHeapMiB(Path gcLog) throws IOException {
        if (gcLog == null || !Files.exists(gcLog)) {
            return -1;
        }
        long peak = 0;
        List<String> lines = new ArrayList<>(Files.readAllLines(gcLog));
        for (String line : lines) {
            Matcher m = HEAP_AFTER_GC.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
            }
        }
        return peak;
    }
}
