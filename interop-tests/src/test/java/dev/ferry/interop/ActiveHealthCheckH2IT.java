package dev.ferry.interop;

import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.OriginProtocol;
import dev.ferry.app.config.OriginTlsConfig;
import dev.ferry.app.config.PoolConfig;
import dev.ferry.app.config.TimeoutsConfig;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.Http3Response;
import dev.ferry.http3.tls.SelfSignedCertificate;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.NginxOrigin;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.origin.HealthCheck;
import dev.ferry.origin.LoadBalancing;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Active health checks of an HTTP/2 origin, against three real nginx endpoints speaking h2 over TLS. Each serves
 * {@code /healthz} from its own document root; removing the file there makes that endpoint answer 404 to the checks
 * while it still serves traffic, so only the active checks can take it out of the rotation (passive ejection sees
 * nothing wrong). Round robin sends it a third of the requests, none while it fails its checks, and a third again
 * once the file is back.
 */
class ActiveHealthCheckH2IT {
    private static final int ROUND = 30;

    @Test
    void anH2EndpointFailingItsChecksGetsNoTrafficUntilItRecovers() throws Exception {
        Path work = WorkDirs.create("active-health-h2");
        SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of("localhost"), List.of(),
                Duration.ofDays(1));
        List<NginxOrigin> nginx = new ArrayList<>();
        List<Path> roots = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Path root = Files.createDirectories(work.resolve("www-" + i));
                Files.writeString(root.resolve("healthz"), "ok\n");
                Files.writeString(root.resolve("data"), "endpoint " + i + "\n");
                roots.add(root);
                nginx.add(NginxOrigin.start(work.resolve("nginx-" + i), root, true, cert));
            }
            List<InetSocketAddress> endpoints = nginx.stream()
                    .map(n -> new InetSocketAddress("127.0.0.1", n.port())).toList();
            OriginConfig origin = new OriginConfig("app", OriginProtocol.H2, endpoints,
                    new OriginTlsConfig(true, true, cert.certificatePath(), "localhost"), TimeoutsConfig.defaults(),
                    PoolConfig.defaults()).withBalancing(new LoadBalancing(LoadBalancing.Policy.ROUND_ROBIN, null,
                    List.of(1, 1, 1), new HealthCheck("/healthz", null, 100, 500, 2, 2)));
            try (FerryRelay relay = FerryRelay.builder(work.resolve("state")).origin(origin).start();
                 Http3Client client = Http3Client.builder().insecure(true).build()) {
                Http3Connection connection = client.connect(relay.address(), "localhost").get(10, TimeUnit.SECONDS);
                assertEquals(List.of(10, 10, 10), round(connection, nginx), "round robin while all are healthy");

                Files.delete(roots.get(2).resolve("healthz"));
                awaitRound(connection, nginx, counts -> counts.get(2) == 0);
                assertEquals(List.of(15, 15, 0), round(connection, nginx), "no traffic while checks fail");

                Files.writeString(roots.get(2).resolve("healthz"), "ok\n");
                awaitRound(connection, nginx, counts -> counts.get(2) > 0);
                assertEquals(List.of(10, 10, 10), round(connection, nginx), "back in the rotation");
            }
        } finally {
            nginx.forEach(NginxOrigin::close);
        }
    }

    /** Sends {@value #ROUND} GETs of /data one after another; how many each endpoint's nginx served. */
    private static List<Integer> round(Http3Connection connection, List<NginxOrigin> nginx) throws Exception {
        List<Long> before = dataRequests(nginx);
        for (int i = 0; i < ROUND; i++) {
            Http3Response response = connection.send(Http3Request.get("/data")).get(10, TimeUnit.SECONDS);
            assertEquals(200, response.status());
        }
        // nginx logs a request when it ends, a moment after the answer left.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Long> after = dataRequests(nginx);
        while (sum(after) - sum(before) < ROUND && System.nanoTime() < deadline) {
            Thread.sleep(20);
            after = dataRequests(nginx);
        }
        List<Integer> counts = new ArrayList<>();
        for (int i = 0; i < nginx.size(); i++) {
            counts.add((int) (after.get(i) - before.get(i)));
        }
        return counts;
    }

    private static void awaitRound(Http3Connection connection, List<NginxOrigin> nginx,
                                   java.util.function.Predicate<List<Integer>> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<Integer> last = List.of();
        while (System.nanoTime() < deadline) {
            last = round(connection, nginx);
            if (done.test(last)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the checks never changed the split: " + last);
    }

    /** Requests for /data in each nginx's access log (the health checks are left out). */
    private static List<Long> dataRequests(List<NginxOrigin> nginx) throws Exception {
        List<Long> counts = new ArrayList<>();
        for (NginxOrigin n : nginx) {
            if (!Files.exists(n.accessLog())) {
                counts.add(0L);
                continue;
            }
            try (Stream<String> lines = Files.lines(n.accessLog(), StandardCharsets.UTF_8)) {
                counts.add(lines.filter(l -> l.contains("GET /data ")).count());
            }
        }
        return counts;
    }

    private static long sum(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }
}
