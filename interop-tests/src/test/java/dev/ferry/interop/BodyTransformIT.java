package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.Http3Response;
import dev.ferry.http3.client.RequestBody;
import dev.ferry.interop.support.FerryServeProcess;
import dev.ferry.interop.support.FreePorts;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.PatternBytes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A streaming body transform (the upper-case example plugin, loaded from plugin-path) on 100 MiB bodies both ways
 * through a relay whose heap is 64 MiB, so a transform that held a body would fail: a gtlsclient download comes
 * back upper-cased byte for byte (SHA-256 of the whole), and an upload reaches the origin upper-cased (the origin's
 * own SHA-256 of what it received). The relay's GC log gives the peak heap, printed against the body size.
 */
class BodyTransformIT {
    private static final long SIZE = 100L << 20;
    private static final Pattern HEAP_BEFORE_GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    @Test
    void upperCasesOneHundredMebibytesEachWayWithASixtyFourMebibyteHeap() throws Exception {
        Path work = WorkDirs.create("body-transform");
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.copy(Path.of(System.getProperty("ferry.examples.jar")), plugins.resolve("ferry-examples.jar"));
        Path gcLog = work.resolve("gc.log");
        try (BuiltinOrigin origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build()
                .start()) {
            int port = FreePorts.udp();
            Path config = work.resolve("relay.yaml");
            Files.writeString(config, """
                    state-dir: %s
                    listeners: [{name: main, address: 127.0.0.1:%d}]
                    origins: {app: {protocol: h1, endpoints: [127.0.0.1:%d]}}
                    access-log: {enabled: false}
                    plugin-path: %s
                    hooks: [{name: upper-case}]
                    """.formatted(work.resolve("state"), port, origin.port(), plugins));
            String classPath = FerryServeProcess.classPathWithout(e -> e.contains("ferry-examples")
                    || e.contains("docs/examples") || e.endsWith("test-classes"));
            try (FerryServeProcess relay = FerryServeProcess.serve(work.resolve("relay"), classPath, Map.of(),
                    List.of("-Xmx64m", "-Xlog:gc:file=" + gcLog), port, "--config", config.toString())) {
                String expected = upperCasedPatternSha256(SIZE);

                String uri = relay.url("/bytes/" + SIZE);
                GtlsClient.Result download = GtlsClient.connect("127.0.0.1", port).timeout(Duration.ofMinutes(3))
                        .quiet().fetch(Files.createDirectories(work.resolve("download")), uri);
                Path file = download.download(uri).orElseThrow(() -> new AssertionError("nothing downloaded:\n"
                        + download.stderr()));
                assertEquals(SIZE, Files.size(file));
                assertEquals(expected, Hashes.sha256(file), "the download, upper-cased");
                Files.delete(file);

                try (Http3Client client = Http3Client.builder().insecure(true)
                        .maxIdleTimeout(Duration.ofSeconds(60)).build()) {
                    Http3Connection connection = client.connect(new InetSocketAddress("127.0.0.1", port),
                            "localhost").get(10, TimeUnit.SECONDS);
                    Http3Request request = Http3Request.builder("POST", "/sink")
                            .body(RequestBody.generated(SIZE, PatternBytes::chunk)).build();
                    Http3Response response = connection.send(request).get(3, TimeUnit.MINUTES);
                    assertEquals(200, response.status());
                    assertEquals(expected, response.headers().get("x-body-sha256").toString(),
                            "what the origin received, upper-cased");
                }
                long peak = peakHeapMiB(gcLog);
                System.out.printf("[body-transform] 100 MiB each way through upper-case; relay peak heap before"
                        + " GC %d MiB of 64 MiB%n", peak);
                assertTrue(peak < 64, "peak heap " + peak + " MiB");
            }
        }
    }

    /** SHA-256 of the first {@code size} pattern bytes with ASCII letters upper-cased. */
    private static String upperCasedPatternSha256(long size) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (long offset = 0; offset < size; offset += PatternBytes.CHUNK_SIZE) {
            byte[] chunk = PatternBytes.bytes(offset, (int) Math.min(PatternBytes.CHUNK_SIZE, size - offset));
            for (int i = 0; i < chunk.length; i++) {
                if (chunk[i] >= 'a' && chunk[i] <= 'z') {
                    chunk[i] -= 'a' - 'A';
                }
            }
            sha.update(chunk);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static long peakHeapMiB(Path gcLog) throws IOException {
        long peak = -1;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = HEAP_BEFORE_GC.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
            }
        }
        return peak;
    }
}
