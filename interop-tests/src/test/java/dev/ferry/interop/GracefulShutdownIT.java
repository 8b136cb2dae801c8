package dev.ferry.interop;

import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.Http3Response;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.PatternBytes;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.WorkDirs;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C semantics: shutting the relay down while a download runs sends GOAWAY, lets that download finish with every
 * byte, refuses new requests, and returns as soon as nothing is running instead of waiting out the grace period.
 */
class GracefulShutdownIT {
    private static final long SIZE = 64L << 20;

    @Test
    void finishesRunningDownloadAndRefusesNewRequestsWhenShutDownGracefully() throws Exception {
        Path work = WorkDirs.create("graceful-shutdown");
        try (BuiltinOrigin origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build()
                .start();
             FerryRelay relay = FerryRelay.start(work.resolve("state"), FerryRelay.h1("builtin", origin.address()));
             Http3Client client = Http3Client.builder().insecure(true).build()) {
            Http3Connection connection = client.connect(relay.address(), "localhost").get(10, TimeUnit.SECONDS);
            Path file = work.resolve("download.bin");
            CompletableFuture<Http3Response> download = connection.sendTo(Http3Request.get("/bytes/" + SIZE), file);
            awaitBytes(file, 1 << 20);

            long start = System.nanoTime();
            relay.server().close(Duration.ofSeconds(30));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("[graceful-shutdown] close returned after %.2f s with %d bytes downloaded%n", seconds,
                    Files.size(file));

            Http3Response response = download.get(10, TimeUnit.SECONDS);
            assertEquals(200, response.status());
            assertEquals(SIZE, Files.size(file), "every byte of the running download");
            assertEquals(-1, firstMismatch(file), "download content");
            assertTrue(seconds < 25, "shutdown waited for running requests only, not the whole grace: " + seconds);
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> connection.send(Http3Request.get("/")).get(10, TimeUnit.SECONDS));
            assertTrue(refused.getCause() != null, "a request after shutdown is refused");
        }
    }

    private static void awaitBytes(Path file, long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.size(file) >= atLeast) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the download did not start");
    }

    private static long firstMismatch(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            byte[] chunk = new byte[PatternBytes.CHUNK_SIZE];
            long offset = 0;
            int n;
            while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
                int at = PatternBytes.firstMismatch(chunk, 0, n, offset);
                if (at >= 0) {
                    return offset + at;
                }
                offset += n;
            }
            return -1;
        }
    }
}
