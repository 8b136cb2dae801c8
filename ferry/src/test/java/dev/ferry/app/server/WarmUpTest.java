package dev.ferry.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.AccessLogConfig;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.ListenerConfig;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.TcpConfig;
import dev.ferry.app.config.WarmUpConfig;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.Http3Response;
import dev.ferry.testorigin.BuiltinOrigin;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up runs its requests through a private copy of the relay: the configured origin, the access log and the
 * metrics see none of them, and the relay serves normally afterwards.
 */
class WarmUpTest {
    @TempDir
    Path state;

    private FerryConfig config(InetSocketAddress origin, WarmUpConfig warmUp) {
        ListenerConfig listener = ListenerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0))
                .withTcp(TcpConfig.disabled());
        FerryConfig base = new FerryConfig("ferry", state, 1, List.of(listener), List.of(),
                java.util.Map.of("app", OriginConfig.of("app", origin)), dev.ferry.app.config.HeadersConfig.defaults(),
                new AccessLogConfig(true, AccessLogConfig.STDOUT));
        // The admin endpoint on: exchanges are counted in the metrics only then, and the test reads that count.
        return base.withWarmUp(warmUp).withAdmin(new dev.ferry.app.config.AdminConfig(true,
                new InetSocketAddress("127.0.0.1", 0), false));
    }

    @Test
    void warmUpRequestsNeverReachTheConfiguredOriginTheAccessLogOrTheMetrics() throws Exception {
        List<String> accessLog = new CopyOnWriteArrayList<>();
        try (BuiltinOrigin origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build()
                .start();
             FerryServer relay = FerryServer.create(config(origin.address(), new WarmUpConfig(400,
                     Duration.ofSeconds(60))), List.of(), accessLog::add).start();
             Http3Client client = Http3Client.builder().insecure(true).build()) {
            assertTrue(relay.warmUpSummary().startsWith("400 requests (0 failed)"), relay.warmUpSummary());
            assertEquals(0, origin.requestCount(), "the configured origin saw none of the warm-up");
            assertTrue(accessLog.isEmpty(), "no access log line for the warm-up: " + accessLog);
            assertFalse(relay.metrics().scrape().contains("status=\"2xx\""), "no request counted yet");

            Http3Connection connection = client.connect(relay.listenerAddresses().get(0), "localhost")
                    .get(10, TimeUnit.SECONDS);
            Http3Response response = connection.send(Http3Request.get("/bytes/100")).get(10, TimeUnit.SECONDS);
            assertEquals(200, response.status());
            assertEquals(100, response.body().length);
            assertTrue(origin.awaitRequestCount(1, Duration.ofSeconds(5)));
            assertEquals(1, origin.requestCount());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (accessLog.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, accessLog.size(), "the real request is logged: " + accessLog);
            while (!relay.metrics().scrape().contains("status=\"2xx\"} 1.0") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(relay.metrics().scrape().contains("status=\"2xx\"} 1.0"), "the real request is counted");
        }
    }

    @Test
    void aRelayWithoutWarmUpSaysSo() throws Exception {
        try (BuiltinOrigin origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build()
                .start();
             FerryServer relay = FerryServer.create(config(origin.address(), WarmUpConfig.off())).start()) {
            assertNull(relay.warmUpSummary());
        }
    }

    @Test
    void theWarmUpStopsAtItsTimeoutAndTheRelayStartsAnyway() throws Exception {
        try (BuiltinOrigin origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build()
                .start();
             FerryServer relay = FerryServer.create(config(origin.address(), new WarmUpConfig(1_000_000,
                     Duration.ofMillis(1500))), List.of(), line -> { }).start()) {
            assertTrue(relay.warmUpSummary().endsWith("stopped at the timeout"), relay.warmUpSummary());
            assertEquals(1, relay.listenerAddresses().size());
        }
    }
}
