package dev.ferry.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.app.config.AccessLogConfig;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.HeadersConfig;
import dev.ferry.app.config.ListenerConfig;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.TcpConfig;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.Http3Response;
import dev.ferry.origin.HealthCheck;
import dev.ferry.origin.LoadBalancing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each balancing policy, seen from three real HTTP/1.1 origins (the JDK's server, on loopback) that count what
 * reaches them: the split a policy promises, and an endpoint that fails its health checks getting no traffic until
 * it passes them again. One event loop, so that the relay's per-loop state is the whole state.
 */
class LoadBalancingTest {
    @TempDir
    Path state;

    private final List<Backend> backends = new ArrayList<>();
    private Http3Client client;

    /** One origin endpoint: counts requests and the x-user values it saw; /healthz answers what it is told. */
    static final class Backend implements AutoCloseable {
        final HttpServer server;
        final AtomicInteger requests = new AtomicInteger();
        final Set<String> users = ConcurrentHashMap.newKeySet();
        volatile int healthStatus = 200;
        volatile long delayMillis;

        Backend() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.setExecutor(Executors.newFixedThreadPool(32));
            server.createContext("/healthz", e -> answer(e, healthStatus, "health\n"));
            server.createContext("/", e -> {
                requests.incrementAndGet();
                String user = e.getRequestHeaders().getFirst("x-user");
                if (user != null) {
                    users.add(user);
                }
                if (delayMillis > 0) {
                    try {
                        Thread.sleep(delayMillis);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }
                answer(e, 200, "ok\n");
            });
            server.start();
        }

        private static void answer(HttpExchange e, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            e.getRequestBody().readAllBytes();
            e.sendResponseHeaders(status, bytes.length);
            e.getResponseBody().write(bytes);
            e.close();
        }

        InetSocketAddress address() {
            return server.getAddress();
        }

        @Override
        public void close() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    @BeforeEach
    void start() throws IOException {
        for (int i = 0; i < 3; i++) {
            backends.add(new Backend());
        }
        client = Http3Client.builder().insecure(true).build();
    }

    @AfterEach
    void stop() {
        client.close();
        backends.forEach(Backend::close);
    }

    private FerryServer relay(LoadBalancing balancing) throws InterruptedException {
        ListenerConfig listener = ListenerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0))
                .withTcp(TcpConfig.disabled());
        OriginConfig origin = OriginConfig.of("app", backends.stream().map(Backend::address)
                .toArray(InetSocketAddress[]::new)).withBalancing(balancing);
        FerryConfig config = new FerryConfig("ferry", state, 1, List.of(listener), List.of(), Map.of("app", origin),
                HeadersConfig.defaults(), new AccessLogConfig(false, AccessLogConfig.STDOUT));
        return FerryServer.create(config).start();
    }

    private Http3Connection connect(FerryServer relay) throws Exception {
        return client.connect(relay.listenerAddresses().get(0), "localhost").get(10, TimeUnit.SECONDS);
    }

    /** Sends {@code count} GETs, {@code inFlight} at a time, each with the headers {@code headersOf} gives. */
    private static void send(Http3Connection connection, int count, int inFlight,
                             java.util.function.IntFunction<Http3Request> request) throws Exception {
        List<CompletableFuture<Http3Response>> window = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            window.add(connection.send(request.apply(i)));
            if (window.size() == inFlight) {
                for (CompletableFuture<Http3Response> f : window) {
                    assertEquals(200, f.get(20, TimeUnit.SECONDS).status());
                }
                window.clear();
            }
        }
        for (CompletableFuture<Http3Response> f : window) {
            assertEquals(200, f.get(20, TimeUnit.SECONDS).status());
        }
    }

    /** Sends {@code count} GETs keeping {@code inFlight} outstanding: a new one as soon as one ends. */
    private static void sendContinuously(Http3Connection connection, int count, int inFlight) throws Exception {
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(inFlight);
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            assertTrue(slots.tryAcquire(20, TimeUnit.SECONDS), "a request hung");
            connection.send(Http3Request.get("/x")).whenComplete((response, error) -> {
                if (error != null || response.status() != 200) {
                    failed.incrementAndGet();
                }
                slots.release();
            });
        }
        assertTrue(slots.tryAcquire(inFlight, 20, TimeUnit.SECONDS), "the last requests hung");
        assertEquals(0, failed.get(), "failed requests");
    }

    private List<Integer> counts() {
        return backends.stream().map(b -> b.requests.get()).toList();
    }

    private void resetCounts() {
        backends.forEach(b -> b.requests.set(0));
    }

    @Test
    void roundRobinSplitsEvenlyAndWeightsSkewIt() throws Exception {
        try (FerryServer relay = relay(new LoadBalancing(LoadBalancing.Policy.ROUND_ROBIN, null,
                List.of(2, 1, 1), null))) {
            send(connect(relay), 400, 1, i -> Http3Request.get("/x"));
            assertEquals(List.of(200, 100, 100), counts());
        }
    }

    @Test
    void consistentHashKeepsEachUserOnOneEndpoint() throws Exception {
        try (FerryServer relay = relay(new LoadBalancing(LoadBalancing.Policy.CONSISTENT_HASH,
                new LoadBalancing.HashKey(LoadBalancing.HashKey.Source.HEADER, "x-user"), List.of(1, 1, 1), null))) {
            Http3Connection connection = connect(relay);
            send(connection, 300, 10, i -> Http3Request.builder("GET", "/x").header("x-user", "user-" + (i % 60))
                    .build());
            int seen = 0;
            for (Backend b : backends) {
                seen += b.users.size();
                assertTrue(b.users.size() > 0, "every endpoint owns some users: " + counts());
            }
            assertEquals(60, seen, "each of the 60 users reached exactly one endpoint");
        }
    }

    @Test
    void leastRequestSendsLittleToASlowEndpoint() throws Exception {
        backends.get(0).delayMillis = 100;
        try (FerryServer relay = relay(new LoadBalancing(LoadBalancing.Policy.LEAST_REQUEST, null,
                List.of(1, 1, 1), null))) {
            sendContinuously(connect(relay), 600, 30);
            List<Integer> counts = counts();
            assertTrue(counts.get(0) * 2 < Math.min(counts.get(1), counts.get(2)),
                    "the slow endpoint gets far fewer: " + counts);
        }
    }

    @Test
    void anEndpointFailingItsHealthChecksGetsNoTrafficUntilItRecovers() throws Exception {
        HealthCheck check = new HealthCheck("/healthz", null, 100, 500, 2, 2);
        try (FerryServer relay = relay(new LoadBalancing(LoadBalancing.Policy.ROUND_ROBIN, null, List.of(1, 1, 1),
                check))) {
            Http3Connection connection = connect(relay);
            send(connection, 30, 1, i -> Http3Request.get("/x"));
            assertEquals(List.of(10, 10, 10), counts());

            backends.get(2).healthStatus = 503;
            awaitRound(connection, counts -> counts.get(2) == 0);
            resetCounts();
            send(connection, 60, 1, i -> Http3Request.get("/x"));
            assertEquals(List.of(30, 30, 0), counts(), "no traffic while unhealthy");

            backends.get(2).healthStatus = 200;
            awaitRound(connection, counts -> counts.get(2) > 0);
            resetCounts();
            send(connection, 30, 1, i -> Http3Request.get("/x"));
            assertEquals(List.of(10, 10, 10), counts(), "back in the rotation");
        }
    }

    /** Sends rounds of 30 requests until one ends with {@code done} true of its counts; fails after 15 s. */
    private void awaitRound(Http3Connection connection, java.util.function.Predicate<List<Integer>> done)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            resetCounts();
            send(connection, 30, 1, i -> Http3Request.get("/x"));
            if (done.test(counts())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("health never changed the split: " + counts());
    }
}
