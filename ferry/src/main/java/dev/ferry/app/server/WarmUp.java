package dev.ferry.app.server;

import dev.ferry.app.config.AdminConfig;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.ListenerConfig;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.PrivacyConfig;
import dev.ferry.app.config.QuicConfig;
import dev.ferry.app.config.TcpConfig;
import dev.ferry.app.config.TlsFilesConfig;
import dev.ferry.app.config.WarmUpConfig;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.Http3Response;
import dev.ferry.testorigin.BuiltinOrigin;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends requests through a private copy of the relay before the real one binds: an HTTP/3 listener on a loopback
 * port of its own, the same exchange path, hooks of the same kinds (forwarding, the access log into nothing) and an
 * HTTP/1.1 origin in this process. The JIT compiler then finds the request path hot and compiles it before the
 * first client's request, instead of while serving it.
 *
 * <p>Nothing of the warm-up reaches the configured origins, access log, metrics, keylog or qlog: it runs on its own
 * configuration derived from the real one, with the real listener's QUIC settings and certificate.
 */
final class WarmUp {
    /** Connections the requests are spread over, one after another: handshakes are part of the path too. */
    private static final int CONNECTIONS = 8;
    /** Requests in flight on a connection, well below any stream limit. */
    private static final int IN_FLIGHT = 100;
    /** Every n-th request is a POST with a body, so that the request-body path is compiled as well. */
    private static final int POST_EVERY = 10;
    private static final String ORIGIN = "warm-up";
    private static final byte[] POST_BODY = new byte[4096];

    /** How a warm-up went. */
    record Result(int requests, int failed, Duration took, boolean timedOut) {
        String summary() {
            return requests + " requests (" + failed + " failed) in " + String.format(java.util.Locale.ROOT, "%.1f s",
                    took.toMillis() / 1000.0) + (timedOut ? ", stopped at the timeout" : "");
        }
    }

    private WarmUp() {
    }

    /** Runs the warm-up {@code config} asks for; everything it opened is closed when this returns. */
    static Result run(FerryConfig config) throws InterruptedException {
        WarmUpConfig warmUp = config.warmUp();
        long start = System.nanoTime();
        long deadline = start + warmUp.timeout().toNanos();
        AtomicInteger failed = new AtomicInteger();
        int sent = 0;
        try (BuiltinOrigin origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0))
                .recordLimit(0).build().start();
             FerryServer relay = FerryServer.create(privateCopy(config, origin.address()), List.of(), line -> { })
                     .start();
             Http3Client client = Http3Client.builder().insecure(true).build()) {
            InetSocketAddress address = relay.listenerAddresses().get(0);
            int perConnection = Math.max(1, warmUp.requests() / CONNECTIONS);
            while (sent < warmUp.requests() && System.nanoTime() < deadline) {
                int count = Math.min(perConnection, warmUp.requests() - sent);
                sent += onOneConnection(client, address, count, deadline, failed);
            }
        } catch (RuntimeException e) {
            // A warm-up that cannot run must not keep the relay from starting: it only costs speed.
            failed.addAndGet(Math.max(1, warmUp.requests() - sent));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return new Result(sent, failed.get(), took, sent < warmUp.requests() && System.nanoTime() >= deadline);
    }

    /** Sends up to {@code count} requests on a new connection, {@link #IN_FLIGHT} at a time; returns how many. */
    private static int onOneConnection(Http3Client client, InetSocketAddress address, int count, long deadline,
                                       AtomicInteger failed) throws InterruptedException {
        Http3Connection connection;
        try {
            connection = client.connect(address, "localhost").get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            failed.addAndGet(count);
            return count;
        }
        Semaphore slots = new Semaphore(IN_FLIGHT);
        int sent = 0;
        try {
            for (; sent < count && System.nanoTime() < deadline; sent++) {
                if (!slots.tryAcquire(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
                    break;
                }
                CompletableFuture<Http3Response> answer = connection.send(request(sent));
                answer.whenComplete((response, error) -> {
                    if (error != null || response.status() != 200) {
                        failed.incrementAndGet();
                    }
                    slots.release();
                });
            }
            // The last ones: their answers are part of the path too.
            slots.tryAcquire(IN_FLIGHT, remainingMillis(deadline), TimeUnit.MILLISECONDS);
        } finally {
            connection.closeAsync();
        }
        return sent;
    }

    private static Http3Request request(int index) {
        if (index % POST_EVERY == POST_EVERY - 1) {
            return Http3Request.post("/echo", POST_BODY);
        }
        return Http3Request.get("/bytes/1024");
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /**
     * The configuration of the private copy: the first listener's QUIC settings and certificate on a loopback port
     * of its own, HTTP/3 whatever the listener speaks (the warm-up client speaks HTTP/3), no TCP side, keylog or
     * qlog; one origin in this process; the real headers, errors, deadlines and tunnel settings (they decide the
     * listener's pipeline: HTTP Datagrams, extended CONNECT, so that the warm-up runs the handlers real traffic
     * will); no privacy role, plugin hooks, admin endpoint or warm-up of its own.
     */
    static FerryConfig privateCopy(FerryConfig config, InetSocketAddress origin) {
        ListenerConfig first = config.listeners().get(0);
        QuicConfig quic = first.quic().withApplicationProtocol(QuicConfig.H3).withQlogDir(null);
        TlsFilesConfig tls = new TlsFilesConfig(first.tls().certificate(), first.tls().privateKey(), null);
        ListenerConfig listener = new ListenerConfig(ORIGIN, new InetSocketAddress("127.0.0.1", 0), tls, quic,
                TcpConfig.disabled());
        return new FerryConfig(config.proxyName(), config.stateDir(), config.eventLoops(), List.of(listener),
                List.of(), Map.of(ORIGIN, OriginConfig.of(ORIGIN, origin)), config.headers(), config.accessLog(),
                config.tunnels(), config.errors(), config.timeouts(), List.of(), PrivacyConfig.none(),
                AdminConfig.disabled(), WarmUpConfig.off());
    }
}
