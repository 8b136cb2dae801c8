package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.config.AdminConfig;
import dev.ferry.app.config.TunnelsConfig;
import dev.ferry.bridge.builtin.TokenStore;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.interop.raw.RawHttp3Client;
import dev.ferry.interop.raw.RawHttp3Connection;
import dev.ferry.interop.raw.RawOutcome;
import dev.ferry.interop.raw.RawRequest;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.BackgroundProcess;
import dev.ferry.interop.support.FreePorts;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.BuiltinOrigin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operators' endpoint ({@code admin:}), judged by a real Prometheus (Debian's {@code prometheus}, started here
 * on an ephemeral loopback port) scraping {@code /metrics} every second: the request counter and the duration
 * histogram it stores must match the requests sent through the relay by {@code gtlsclient}. Also: {@code /readyz}
 * turns 503 as soon as a graceful close starts draining, {@code /config} leaves token hashes out, and no metric
 * label carries an address or a request path.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminEndpointIT {

  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final int N = 25;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static AdminConfig loopbackAdmin() {
    return new AdminConfig(true, new InetSocketAddress("127.0.0.1", 0), false);
  }

  @Test
  void prometheusScrapesTheRequestsSentThroughTheRelayAndNoLabelNamesAnAddressOrPath() throws Exception {
    assertTrue(Files.isExecutable(PROMETHEUS), PROMETHEUS + " missing: run scripts/install-deps.sh");
    Path work = WorkDirs.create("admin-prometheus");
    try (BuiltinOrigin origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build()
            .start();
         FerryRelay relay = FerryRelay.builder(work.resolve("state"))
             .origin(FerryRelay.h1("builtin", origin.address())).admin(loopbackAdmin()).start()) {
      InetSocketAddress admin = relay.server().adminAddress();
      assertNotNull(admin, "admin endpoint bound");
      try (Prometheus prometheus = Prometheus.start(work.resolve("prometheus"), admin)) {
        assertEquals("1", prometheus.awaitValue("up{job=\"ferry\"}", "1", Duration.ofSeconds(20)),
            "Prometheus sees the relay's admin endpoint up");

        List<String> paths = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < N; i++) {
          String path = "/bytes/" + (7001 + i);
          paths.add(path);
          urls.add("https://localhost:" + relay.port() + path);
        }
        GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relay.port()).timeout(Duration.ofSeconds(60))
            .fetch(work.resolve("gtlsclient"), urls);
        for (int i = 0; i < N; i++) {
          assertEquals(200, result.status(i).orElse(-1), "request " + i + ": " + result.stderr());
        }

        String expected = Integer.toString(N);
        assertEquals(expected, prometheus.awaitValue("sum(ferry_requests_total{status=\"2xx\"})", expected,
            Duration.ofSeconds(20)), "2xx requests as Prometheus stored them");
        assertEquals(expected, prometheus.awaitValue("sum(ferry_request_duration_seconds_count)", expected,
            Duration.ofSeconds(20)), "request durations recorded");
        assertEquals(expected, prometheus.awaitValue(
            "sum(ferry_request_duration_seconds_bucket{origin=\"builtin\",le=\"+Inf\"})", expected,
            Duration.ofSeconds(20)), "the histogram's +Inf bucket");
        assertEquals("1", prometheus.awaitValue("up{job=\"ferry\"}", "1", Duration.ofSeconds(5)));
        dashboardQueriesRunOn(prometheus);

        // A collection first: a gauge whose state only Micrometer's weak reference held would read NaN after it.
        System.gc();
        HttpResponse<String> metrics = get(admin, "/metrics");
        assertEquals(200, metrics.statusCode());
        String text = metrics.body();
        // protocol is the client's HTTP version as Via writes it ("3").
        assertTrue(text.contains("ferry_requests_total{origin=\"builtin\",protocol=\"3\",status=\"2xx\"} 25.0"),
            "the counter in /metrics:\n" + grep(text, "ferry_requests_total"));
        assertTrue(text.contains("ferry_quic_connections_accepted_total{listener=\"test\"} 1.0"),
            grep(text, "ferry_quic_connections"));
        assertTrue(text.contains("ferry_quic_request_streams_total{listener=\"test\"} 25.0"),
            grep(text, "ferry_quic_request_streams"));
        assertTrue(text.contains("ferry_response_head_duration_seconds_count"), "head durations exported");
        assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics exported");
        // gtlsclient has closed its connection by now: no RTT to sample, and the gauges say so rather than guess.
        assertEquals(0.0, value(text, "ferry_quic_rtt_sampled_connections{listener=\"test\"}"),
            grep(text, "ferry_quic_rtt"));
        // The requests are over: the keep-alive connections they used wait in the pool, open and idle.
        double open = value(text, "ferry_origin_connections{origin=\"builtin\",state=\"open\"}");
        double idle = value(text, "ferry_origin_connections{origin=\"builtin\",state=\"idle\"}");
        assertTrue(idle >= 1 && idle <= open, "origin pool: open " + open + ", idle " + idle + "\n"
            + grep(text, "ferry_origin_"));
        assertEquals(0.0, value(text, "ferry_origin_waiting_requests{origin=\"builtin\"}"), grep(text, "ferry_origin_"));
        assertFalse(text.contains("127.0.0.1"), "no address in a label:\n" + grep(text, "127.0.0.1"));
        assertFalse(text.contains(":" + relay.port()), "no relay address in a label");
        for (String path : paths) {
          assertFalse(text.contains(path), "no request path in a label: " + path);
        }
        assertFalse(text.contains("/bytes"), "no request path in a label:\n" + grep(text, "/bytes"));
      }
    }
  }

  @Test
  void readyzTurns503WhileAGracefulCloseDrains() throws Exception {
    Path work = WorkDirs.create("admin-readyz");
    try (BuiltinOrigin origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build()
            .start();
         FerryRelay relay = FerryRelay.builder(work.resolve("state"))
             .origin(FerryRelay.h1("builtin", origin.address())).admin(loopbackAdmin()).start();
         Http3Client client = Http3Client.builder().insecure(true).build()) {
      InetSocketAddress admin = relay.server().adminAddress();
      HttpResponse<String> ready = get(admin, "/readyz");
      assertEquals(200, ready.statusCode());
      assertEquals("ready\n", ready.body());

      Http3Connection connection = client.connect(relay.address(), "localhost").get(10, TimeUnit.SECONDS);
      connection.send(Http3Request.get("/hang"));
      assertTrue(origin.awaitRequestCount(1, Duration.ofSeconds(10)), "the hanging request reached the origin");
      HttpResponse<String> connections = get(admin, "/connections");
      assertEquals(1, JSON.readTree(connections.body()).path("listeners").path(0).path("open").asInt(-1),
          connections.body());

      long start = System.nanoTime();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> relay.server().close(Duration.ofSeconds(5)));
      HttpResponse<String> draining = null;
      while (!closing.isDone() && System.nanoTime() - start < 10_000_000_000L) {
        HttpResponse<String> answer = get(admin, "/readyz");
        if (answer.statusCode() == 503) {
          draining = answer;
          break;
        }
        Thread.sleep(20);
      }
      assertNotNull(draining, "/readyz answered 503 before close(grace) returned (done: " + closing.isDone() + ")");
      assertFalse(closing.isDone(), "still draining when 503 was seen");
      assertTrue(draining.body().contains("draining"), draining.body());
      closing.get(20, TimeUnit.SECONDS);
      System.out.printf("[admin-readyz] 503 seen; close(5 s) returned after %.2f s%n",
          (System.nanoTime() - start) / 1e9);
    }
  }

  @Test
  void configLeavesSecretsOutAndOtherEndpointsAnswer() throws Exception {
    Path work = WorkDirs.create("admin-config");
    String token = "admin-it-token-93b1f0";
    String hash = TokenStore.hash(token);
    TunnelsConfig tunnels = new TunnelsConfig(true, true, true, TunnelsConfig.DEFAULT_URI_TEMPLATE,
        Duration.ofMinutes(2), Duration.ofSeconds(10),
        new TunnelsConfig.EgressConfig(List.of("127.0.0.0/8"), List.of(), "53,80,443,853,1024-65535"),
        new TunnelsConfig.AuthConfig(true, List.of(hash), null), Map.of());
    try (BuiltinOrigin origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build()
            .start();
         FerryRelay relay = FerryRelay.builder(work.resolve("state"))
             .origin(FerryRelay.h1("builtin", origin.address())).tunnels(tunnels).admin(loopbackAdmin()).start()) {
      InetSocketAddress admin = relay.server().adminAddress();

      HttpResponse<String> config = get(admin, "/config");
      assertEquals(200, config.statusCode());
      assertTrue(config.headers().firstValue("content-type").orElse("").startsWith("application/json"));
      String body = config.body();
      JsonNode json = JSON.readTree(body);
      assertEquals(1, json.path("tunnels").path("auth").path("tokens").asInt(-1), body);
      assertTrue(body.contains("\"tokens\": 1"), body);
      assertFalse(body.toLowerCase(java.util.Locale.ROOT).contains(hash), "no token hash in /config:\n" + body);
      assertFalse(body.contains(token), "no token in /config");
      assertEquals("test", json.path("listeners").path(0).path("name").asText(), body);
      assertEquals("generated", json.path("listeners").path(0).path("certificate").asText(), body);
      assertFalse(body.contains("BEGIN") || body.contains("PRIVATE KEY"), "no PEM contents in /config:\n" + body);
      assertEquals("127.0.0.1:" + admin.getPort(), json.path("admin").asText(), "the bound admin address:\n" + body);

      HttpResponse<String> healthz = get(admin, "/healthz");
      assertEquals(200, healthz.statusCode());
      assertEquals("ok\n", healthz.body());

      assertEquals(404, get(admin, "/nope").statusCode());

      HttpResponse<String> connections = get(admin, "/connections");
      assertEquals(200, connections.statusCode());
      JsonNode listener = JSON.readTree(connections.body()).path("listeners").path(0);
      assertEquals("test", listener.path("name").asText(), connections.body());
      assertTrue(listener.path("open").isInt() && listener.path("open").asInt() >= 0, connections.body());
      assertFalse(connections.body().contains("127.0.0.1"), "no addresses unless show-addresses");
    }
  }

  /**
   * An extended CONNECT's {@code :protocol} is the client's to choose: refused or not, it must not become a label
   * value, or every client could add series at will (and put an address or a path in them).
   */
  @Test
  void aClientChosenConnectProtocolBecomesNoLabel() throws Exception {
    Path work = WorkDirs.create("admin-connect-protocol");
    try (TunnelRelay t = TunnelRelay.start(work)) {
      List<String> outcomes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RawOutcome outcome = t.connection.send(RawRequest.standard("CONNECT", t.connection.authority(),
            "/.well-known/masque/udp/10.9.8.7/443/")
            .field(":protocol", "probe-10.9.8.7-secret-path-" + i).build()).get(10, TimeUnit.SECONDS);
        outcomes.add(outcome.toString());
      }
      String text = get(t.relay.server().adminAddress(), "/metrics").body();
      System.out.println("[admin-connect-protocol] outcomes " + outcomes + "; series:\n"
          + grep(text, "ferry_requests_total{"));
      assertFalse(text.contains("probe-10.9.8.7"),
          "a client-chosen :protocol became a label value:\n" + grep(text, "probe-10.9.8.7"));
    }
  }

  /**
   * Refused tunnels are counted by kind and by the Proxy-Status error type that refused them, and the refused target
   * is in no series.
   */
  @Test
  void tunnelRefusalsAreCountedByKindAndReason() throws Exception {
    Path work = WorkDirs.create("admin-tunnel-refusals");
    try (TunnelRelay t = TunnelRelay.start(work)) {
      FerryRelay relay = t.relay;
      RawHttp3Connection connection = t.connection;
      // 10.9.8.7 is private: the default egress policy refuses it for both kinds.
      RawOutcome udp = connection.send(RawRequest.standard("CONNECT", connection.authority(),
          "/.well-known/masque/udp/10.9.8.7/443/").field(":protocol", "connect-udp").build())
          .get(10, TimeUnit.SECONDS);
      RawOutcome tcp = connection.send(RawRequest.builder().field(":method", "CONNECT")
          .field(":authority", "10.9.8.7:443").build()).get(10, TimeUnit.SECONDS);
      // An exchange is counted when it completes, which may come a moment after its answer reached the client.
      String text = "";
      for (long deadline = System.nanoTime() + 5_000_000_000L; System.nanoTime() < deadline; Thread.sleep(50)) {
        text = get(relay.server().adminAddress(), "/metrics").body();
        if (text.contains("origin=\"connect\"") && text.contains("origin=\"connect-udp\"")) {
          break;
        }
      }
      System.out.println("[admin-tunnel-refusals] " + udp + " / " + tcp + "; series:\n"
          + grep(text, "ferry_proxy_errors_total{"));
      assertTrue(text.contains("ferry_proxy_errors_total{error=\"destination_ip_prohibited\",origin=\"connect-udp\"} 1.0"),
          "CONNECT-UDP refusal by reason:\n" + grep(text, "ferry_proxy_errors_total{"));
      assertTrue(text.contains("ferry_proxy_errors_total{error=\"destination_ip_prohibited\",origin=\"connect\"} 1.0"),
          "CONNECT refusal by reason:\n" + grep(text, "ferry_proxy_errors_total{"));
      assertFalse(text.contains("10.9.8.7"), "the refused target in a series:\n" + grep(text, "10.9.8.7"));
      // The test's connection is still open: its round-trip time on loopback is sampled.
      assertEquals(1.0, value(text, "ferry_quic_rtt_sampled_connections{listener=\"test\"}"),
          grep(text, "ferry_quic_rtt"));
      double median = value(text, "ferry_quic_rtt_seconds{listener=\"test\",quantile=\"0.5\"}");
      assertTrue(median > 0 && median < 0.5, "loopback RTT " + median + "\n" + grep(text, "ferry_quic_rtt"));
    }
  }

  /** A relay with open tunnels and an admin endpoint in front of a built-in origin, and a raw HTTP/3 connection. */
  private static final class TunnelRelay implements AutoCloseable {
    final BuiltinOrigin origin;
    final FerryRelay relay;
    final RawHttp3Client client;
    final RawHttp3Connection connection;

    private TunnelRelay(BuiltinOrigin origin, FerryRelay relay, RawHttp3Client client, RawHttp3Connection connection) {
      this.origin = origin;
      this.relay = relay;
      this.client = client;
      this.connection = connection;
    }

    static TunnelRelay start(Path work) throws Exception {
      BuiltinOrigin origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build().start();
      FerryRelay relay = null;
      RawHttp3Client client = null;
      try {
        relay = FerryRelay.builder(work.resolve("state")).origin(FerryRelay.h1("builtin", origin.address()))
            .tunnels(openTunnels()).admin(loopbackAdmin()).start();
        client = new RawHttp3Client();
        return new TunnelRelay(origin, relay, client, client.connect(relay.address()));
      } catch (Exception | Error e) {
        if (client != null) {
          client.close();
        }
        if (relay != null) {
          relay.close();
        }
        origin.close();
        throw e;
      }
    }

    @Override
    public void close() throws Exception {
      try (BuiltinOrigin o = origin; FerryRelay r = relay; RawHttp3Client c = client;
           RawHttp3Connection conn = connection) {
        // closes all four, the connection first
      }
    }
  }

  private static TunnelsConfig openTunnels() {
    return new TunnelsConfig(true, true, true, TunnelsConfig.DEFAULT_URI_TEMPLATE, Duration.ofMinutes(2),
        Duration.ofSeconds(10), new TunnelsConfig.EgressConfig(List.of(), List.of(), "53,80,443,853,1024-65535"),
        new TunnelsConfig.AuthConfig(false, List.of(), null), Map.of());
  }

  private static HttpResponse<String> get(InetSocketAddress admin, String path)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + path))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Every query of the Grafana dashboard in docs/ runs on the Prometheus that scraped the relay: it parses, and
   * each Ferry series it reads is one docs/metrics.md documents and the relay exports; the request panels show the
   * requests just sent.
   */
  private static void dashboardQueriesRunOn(Prometheus prometheus) throws Exception {
    JsonNode dashboard = JSON.readTree(Files.readString(Path.of("..", "docs", "grafana-dashboard.json")));
    String metricsDoc = Files.readString(Path.of("..", "docs", "metrics.md"));
    java.util.regex.Pattern series = java.util.regex.Pattern.compile("\\bferry_[a-z_]+");
    int queries = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        // Grafana's variables, as Grafana would fill them in for "all instances".
        String expr = target.path("expr").asText().replace("$__rate_interval", "1m").replace("$instance", ".*");
        java.util.regex.Matcher m = series.matcher(expr);
        while (m.find()) {
          String name = m.group().replaceAll("_(bucket|count|sum)$", "");
          assertTrue(metricsDoc.contains("`" + name + "`"), name + " (panel \"" + panel.path("title").asText()
              + "\") is not in docs/metrics.md");
        }
        prometheus.query(expr);
        queries++;
      }
    }
    assertTrue(queries >= 10, "dashboard queries: " + queries);
    // A rate needs two scrapes of the series: poll as a refreshing panel would.
    String panel = "";
    for (long deadline = System.nanoTime() + 15_000_000_000L; System.nanoTime() < deadline; Thread.sleep(500)) {
      panel = prometheus.query("sum by (status) (rate(ferry_requests_total[1m]))");
      if (panel.contains("2xx")) {
        break;
      }
    }
    assertTrue(panel.contains("2xx"), "the requests panel shows the 2xx requests: " + panel);
  }

  /** The value of the series {@code series} (name and labels as exposed) in a scrape, NaN when absent. */
  private static double value(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  private static String grep(String text, String needle) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.contains(needle)) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  /** Debian's Prometheus on a free loopback port, scraping one target every second as job "ferry". */
  private static final class Prometheus implements AutoCloseable {
    private final BackgroundProcess process;
    private final int port;

    private Prometheus(BackgroundProcess process, int port) {
      this.process = process;
      this.port = port;
    }

    static Prometheus start(Path dir, InetSocketAddress target) throws IOException, InterruptedException {
      Files.createDirectories(dir);
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, """
          global:
            scrape_interval: 1s
            scrape_timeout: 1s
            evaluation_interval: 1s
          scrape_configs:
            - job_name: ferry
              metrics_path: /metrics
              static_configs:
                - targets: ['127.0.0.1:%d']
          """.formatted(target.getPort()));
      for (int attempt = 1; ; attempt++) {
        int port = FreePorts.tcp();
        Path data = dir.resolve("data-" + attempt);
        BackgroundProcess process = BackgroundProcess.start(List.of(PROMETHEUS.toString(),
            "--config.file=" + config, "--storage.tsdb.path=" + data,
            "--web.listen-address=127.0.0.1:" + port, "--log.level=info"), dir, "prometheus-" + attempt);
        Prometheus prometheus = new Prometheus(process, port);
        try {
          if (prometheus.awaitReady(Duration.ofSeconds(30))) {
            return prometheus;
          }
        } catch (RuntimeException | Error e) {
          prometheus.close();
          throw e;
        }
        String log = process.logText();
        prometheus.close();
        if (attempt >= 3 || !log.contains("address already in use")) {
          fail("prometheus exited before it was ready:\n" + log);
        }
      }
    }

    /** True once GET /-/ready answers 200; false if the process exited first. */
    private boolean awaitReady(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          return false;
        }
        try {
          if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
              .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return true;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      throw new AssertionError("prometheus not ready after " + timeout + ":\n" + process.logText());
    }

    /**
     * Polls an instant query until its single value equals {@code expected} or {@code timeout} passes; returns
     * the last value seen ("(none)" for an empty result).
     */
    String awaitValue(String query, String expected, Duration timeout) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      String last;
      do {
        last = value(query);
        if (last.equals(expected)) {
          return last;
        }
        Thread.sleep(250);
      } while (System.nanoTime() < deadline);
      System.out.println("[admin-prometheus] " + query + " still " + last + " after " + timeout);
      return last;
    }

    /** Runs an instant query that must succeed (any number of series); returns the response body. */
    String query(String query) throws IOException, InterruptedException {
      URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
          + URLEncoder.encode(query, StandardCharsets.UTF_8));
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), query + ": " + response.body());
      assertEquals("success", JSON.readTree(response.body()).path("status").asText(), query + ": " + response.body());
      return response.body();
    }

    String value(String query) throws IOException, InterruptedException {
      String body = query(query);
      JsonNode result = JSON.readTree(body).path("data").path("result");
      if (result.size() == 0) {
        return "(none)";
      }
      assertEquals(1, result.size(), "one series for " + query + ": " + body);
      return result.get(0).path("value").path(1).asText();
    }

    @Override
    public void close() {
      process.terminate(Duration.ofSeconds(5));
    }
  }
}
