package dev.ferry.interop.origins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.OriginProtocol;
import dev.ferry.app.config.OriginTlsConfig;
import dev.ferry.http3.tls.SelfSignedCertificate;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.BoundPorts;
import dev.ferry.interop.support.FreePorts;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.WorkDirs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/3 origins ({@code protocol: h3}): ngtcp2's {@code gtlsserver} behind the relay and {@code gtlsclient} in
 * front, so that neither end is Ferry's. The server's certificate is verified against a CA file, as by default;
 * a 10 MiB file arrives hash-equal; 100 requests and the download share one QUIC connection to the origin, which
 * the origin's own log shows (one "negotiated version" line per connection); and a relay that does not trust the
 * origin's certificate answers 502 with Proxy-Status instead of talking to it. Caddy (quic-go) serves as an
 * HTTP/3 origin too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http3OriginIT {
  private static final long TEN_MIB = 10L << 20;

  private static Path work;
  private static Path docroot;
  private static Process server;
  private static int serverPort;
  private static SelfSignedCertificate cert;

  @BeforeAll
  static void start() throws Exception {
    work = WorkDirs.create("h3-origin");
    docroot = Files.createDirectories(work.resolve("htdocs"));
    RandomFiles.create(docroot.resolve("ten-mib.bin"), TEN_MIB, 7);
    Files.writeString(docroot.resolve("small.txt"), "small\n");
    cert = SelfSignedCertificate.generate(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
    serverPort = FreePorts.udp();
    // Not quiet: its log names each QUIC connection, which is how the test counts them.
    server = new ProcessBuilder("/usr/sbin/gtlsserver", "-d", docroot.toString(), "127.0.0.1",
        Integer.toString(serverPort), cert.privateKeyPath().toString(), cert.certificatePath().toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("gtlsserver.log").toFile()).start();
    BoundPorts.awaitUdp(serverPort, server, Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.destroy();
    }
  }

  private static OriginConfig h3Origin(Path caFile) {
    return FerryRelay.origin("gtlsserver", OriginProtocol.H3, new InetSocketAddress("127.0.0.1", serverPort),
        new OriginTlsConfig(true, true, caFile, "localhost"),
        FerryRelay.timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60)));
  }

  @Test
  void downloadsAndManyRequestsShareOneVerifiedQuicConnectionToTheOrigin() throws Exception {
    long before = originConnections();
    // One event loop: origin connections are kept per loop, and two client connections could land on two.
    try (FerryRelay relay = FerryRelay.builder(work.resolve("state")).origin(h3Origin(cert.certificatePath()))
        .eventLoops(1).start()) {
      String base = "https://localhost:" + relay.port();
      GtlsClient.Result download = GtlsClient.connect("127.0.0.1", relay.port()).quiet()
          .timeout(Duration.ofSeconds(60)).fetch(work.resolve("client-download"), base + "/ten-mib.bin");
      assertEquals(0, download.exitCode(), download.stderr());
      Path got = download.download(base + "/ten-mib.bin").orElseThrow();
      assertEquals(Hashes.sha256(docroot.resolve("ten-mib.bin")), Hashes.sha256(got));

      GtlsClient.Result many = GtlsClient.connect("127.0.0.1", relay.port())
          .option("-n", "100").timeout(Duration.ofSeconds(60))
          .fetch(work.resolve("client-many"), base + "/small.txt");
      assertEquals(0, many.exitCode(), many.stderr());
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        statuses.add(many.status(i).orElse(-1));
      }
      assertEquals(Collections.nCopies(100, 200), statuses);
      assertEquals(101, relay.accessLog().stream().filter(l -> l.contains("\"origin\":\"gtlsserver\"")).count(),
          "access log lines naming the origin");
    }
    assertEquals(1, originConnections() - before,
        "one QUIC connection from the relay to the origin for 101 requests (gtlsserver.log)");
  }

  @Test
  void anOriginWhoseCertificateIsNotTrustedGets502() throws Exception {
    // No CA file: the JDK's trust store, which does not know the origin's self-signed certificate.
    try (FerryRelay relay = FerryRelay.start(work.resolve("state-untrusted"), h3Origin(null))) {
      GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relay.port()).timeout(Duration.ofSeconds(30))
          .fetch(work.resolve("client-untrusted"), "https://localhost:" + relay.port() + "/small.txt");
      assertEquals(502, result.status(0).orElse(-1), result.stderr());
      assertTrue(relay.accessLog().stream().anyMatch(l -> l.contains("\"status\":502")), relay.accessLog().toString());
    }
  }

  /**
   * Caddy (quic-go) as the HTTP/3 origin, serving the same files with its own internal CA, which the relay is told
   * to trust: 10 MiB hash-equal through {@code protocol: h3}.
   */
  @Test
  void caddyAsAnHttp3Origin() throws Exception {
    Path dir = Files.createDirectories(work.resolve("caddy"));
    int port = FreePorts.udpAndTcp();
    int httpPort = FreePorts.tcp();
    Files.writeString(dir.resolve("Caddyfile"), """
        {
        \tadmin off
        \tstorage file_system %1$s/data
        \tskip_install_trust
        \tauto_https disable_redirects
        \thttp_port %3$d
        \thttps_port %2$d
        \tlog {
        \t\tlevel WARN
        \t}
        }
        127.0.0.1:%2$d, localhost:%2$d {
        \tbind 127.0.0.1
        \ttls internal
        \troot * %4$s
        \tfile_server
        }
        """.formatted(dir, port, httpPort, docroot));
    ProcessBuilder builder = new ProcessBuilder("caddy", "run", "--config", dir.resolve("Caddyfile").toString(),
        "--adapter", "caddyfile").directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("caddy.log").toFile());
    // Its own home: Caddy keeps state under HOME and XDG directories, none of which is the machine's.
    builder.environment().put("HOME", dir.toString());
    builder.environment().put("XDG_DATA_HOME", dir.toString());
    builder.environment().put("XDG_CONFIG_HOME", dir.toString());
    Process caddy = builder.start();
    try {
      // The CA appears once Caddy has issued the site's certificate.
      Path ca = dir.resolve("data/pki/authorities/local/root.crt");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!Files.isRegularFile(ca) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(Files.isRegularFile(ca), "Caddy made no CA: " + Files.readString(dir.resolve("caddy.log")));
      Thread.sleep(500);
      OriginConfig origin = FerryRelay.origin("caddy", OriginProtocol.H3, new InetSocketAddress("127.0.0.1", port),
          // No server name: the QUIC client sends no SNI for a name without a dot (such as localhost), so Caddy
          // picks its certificate by address, and the relay checks it against that address.
          new OriginTlsConfig(true, true, ca, null),
          FerryRelay.timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60)));
      try (FerryRelay relay = FerryRelay.start(work.resolve("state-caddy"), origin)) {
        String url = "https://localhost:" + relay.port() + "/ten-mib.bin";
        GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relay.port()).quiet()
            .timeout(Duration.ofSeconds(60)).fetch(work.resolve("client-caddy"), url);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(Hashes.sha256(docroot.resolve("ten-mib.bin")),
            Hashes.sha256(result.download(url).orElseThrow(() -> new AssertionError(result.stderr()))));
      }
    } finally {
      caddy.destroy();
      caddy.waitFor(5, TimeUnit.SECONDS);
      caddy.destroyForcibly();
    }
  }

  /** QUIC connections gtlsserver has logged so far: it logs the negotiated version once per connection. */
  private static long originConnections() throws IOException {
    try (Stream<String> lines = Files.lines(work.resolve("gtlsserver.log"))) {
      return lines.filter(l -> l.contains("the negotiated version is")).count();
    }
  }
}
