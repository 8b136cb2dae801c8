package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.OriginProtocol;
import dev.ferry.app.config.OriginTlsConfig;
import dev.ferry.http3.tls.CertificateAuthority;
import dev.ferry.http3.tls.SelfSignedCertificate;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.BoundPorts;
import dev.ferry.interop.support.FreePorts;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.NghttpdOrigin;
import dev.ferry.interop.support.ProcessRunner;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.PatternBytes;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One body of assertions over every pair of client protocol (HTTP/1.1 and HTTP/2 with curl, HTTP/3 with
 * gtlsclient) and origin protocol ({@code h1}, {@code h1} over TLS and {@code h2c}: the built-in origin; {@code h2}
 * over TLS: nghttpd;
 * {@code h3}: gtlsserver), in the spirit of Envoy's protocol integration tests. In every cell: GETs of 0 B, 1 KiB and
 * 10 MiB arrive hash-equal (no 0 B from gtlsserver, which answers 404 for an empty file); a 50 MiB POST comes
 * back byte for byte where the origin echoes (gtlsserver does not);
 * an origin that does not answer gives 502 (504 for QUIC, which waits out its connect timeout) with Proxy-Status;
 * trailers reach curl where the origin sends them (the built-in origin); and on curl's side the answer carries Via and no
 * connection-specific field.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProtocolMatrixIT {
  private static final int SMALL = 1024;
  private static final int BIG = 10 << 20;
  private static final long UPLOAD = 50L << 20;

  /** How one origin is reached and what it serves. */
  private record Origin(String name, FerryRelay relay, FerryRelay dead, String emptyPath, String smallPath,
                        String bigPath, String echoPath, Map<String, String> hashes) {
  }

  private static final Map<String, Origin> ORIGINS = new LinkedHashMap<>();
  private static final List<AutoCloseable> CLOSE = new ArrayList<>();
  private static Path work;
  private static Path upload;
  private static Process gtlsserver;

  @BeforeAll
  static void start() throws Exception {
    work = WorkDirs.create("protocol-matrix");
    upload = RandomFiles.create(work.resolve("upload.bin"), UPLOAD, 9);
    Duration quick = Duration.ofSeconds(2);

    BuiltinOrigin builtin = BuiltinOrigin.builder().build().start();
    CLOSE.add(builtin);
    Map<String, String> patternHashes = Map.of(
        "/bytes/0", Hashes.sha256(new byte[0]),
        "/bytes/" + SMALL, Hashes.sha256(PatternBytes.bytes(0, SMALL)),
        "/bytes/" + BIG, Hashes.sha256(PatternBytes.bytes(0, BIG)));
    add(new Origin("h1", relay("h1", FerryRelay.h1("builtin", builtin.address())),
        relay("h1-dead", dead(OriginProtocol.H1, OriginTlsConfig.defaults(), quick)),
        "/bytes/0", "/bytes/" + SMALL, "/bytes/" + BIG, "/echo", patternHashes));
    add(new Origin("h2c", relay("h2c", FerryRelay.h2c("builtin", builtin.address())),
        relay("h2c-dead", dead(OriginProtocol.H2C, OriginTlsConfig.defaults(), quick)),
        "/bytes/0", "/bytes/" + SMALL, "/bytes/" + BIG, "/echo", patternHashes));

    CertificateAuthority ca = CertificateAuthority.generate("Ferry matrix CA");
    SelfSignedCertificate originCert = ca.issue(List.of(), List.of());
    Path caFile = ca.writeCaPem(work.resolve("ca.pem"));

    BuiltinOrigin builtinTls = BuiltinOrigin.builder()
        .sslContext(BuiltinOrigin.tlsContext(originCert.privateKey(), originCert.certificate())).build().start();
    CLOSE.add(builtinTls);
    OriginTlsConfig verified = new OriginTlsConfig(true, true, caFile, "localhost");
    add(new Origin("h1-tls", relay("h1-tls", FerryRelay.origin("builtin-tls", OriginProtocol.H1,
        builtinTls.address(), verified, FerryRelay.timeouts(quick, Duration.ofSeconds(60), Duration.ofSeconds(60)))),
        relay("h1-tls-dead", dead(OriginProtocol.H1, verified, quick)),
        "/bytes/0", "/bytes/" + SMALL, "/bytes/" + BIG, "/echo", patternHashes));
    NghttpdOrigin nghttpd = NghttpdOrigin.start(work.resolve("nghttpd"), true, originCert);
    CLOSE.add(nghttpd);
    Map<String, String> fileHashes = files(nghttpd.docroot());
    add(new Origin("h2", relay("h2", FerryRelay.h2("nghttpd",
        new InetSocketAddress("127.0.0.1", nghttpd.port()), caFile, "localhost")),
        relay("h2-dead", dead(OriginProtocol.H2, new OriginTlsConfig(true, true, caFile, "localhost"), quick)),
        "/empty.bin", "/small.bin", "/big.bin", "/upload", fileHashes));

    Path gtlsDocroot = Files.createDirectories(work.resolve("gtlsserver-htdocs"));
    files(gtlsDocroot);
    SelfSignedCertificate h3Cert = SelfSignedCertificate.generate(List.of("localhost"), List.of("127.0.0.1"),
        Duration.ofDays(1));
    int h3Port = FreePorts.udp();
    gtlsserver = new ProcessBuilder("/usr/sbin/gtlsserver", "-q", "-d", gtlsDocroot.toString(), "127.0.0.1",
        Integer.toString(h3Port), h3Cert.privateKeyPath().toString(), h3Cert.certificatePath().toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("gtlsserver.log").toFile()).start();
    BoundPorts.awaitUdp(h3Port, gtlsserver, Duration.ofSeconds(10));
    OriginTlsConfig h3Tls = new OriginTlsConfig(true, true, h3Cert.certificatePath(), "localhost");
    add(new Origin("h3", relay("h3", FerryRelay.origin("gtlsserver", OriginProtocol.H3,
        new InetSocketAddress("127.0.0.1", h3Port), h3Tls, FerryRelay.timeouts(quick, Duration.ofSeconds(60),
            Duration.ofSeconds(60)))),
        relay("h3-dead", dead(OriginProtocol.H3, h3Tls, quick)),
        // gtlsserver answers 404 for an empty file, and echoes nothing.
        null, "/small.bin", "/big.bin", null, fileHashes));
  }

  @AfterAll
  static void stop() throws Exception {
    for (int i = CLOSE.size() - 1; i >= 0; i--) {
      CLOSE.get(i).close();
    }
    if (gtlsserver != null) {
      gtlsserver.destroy();
    }
  }

  private static void add(Origin origin) {
    ORIGINS.put(origin.name(), origin);
  }

  private static FerryRelay relay(String name, OriginConfig origin) throws Exception {
    FerryRelay relay = FerryRelay.start(work.resolve("relay-" + name), origin);
    CLOSE.add(relay);
    return relay;
  }

  /** An origin on a port nobody listens on (TCP or UDP as its protocol needs). */
  private static OriginConfig dead(OriginProtocol protocol, OriginTlsConfig tls, Duration connect) {
    int port = protocol == OriginProtocol.H3 ? FreePorts.udp() : FreePorts.tcp();
    return FerryRelay.origin("gone", protocol, new InetSocketAddress("127.0.0.1", port), tls,
        FerryRelay.timeouts(connect, Duration.ofSeconds(10), Duration.ofSeconds(10)));
  }

  /** Writes empty.bin, small.bin and big.bin into {@code docroot}; returns their hashes by path. */
  private static Map<String, String> files(Path docroot) throws Exception {
    Files.write(docroot.resolve("empty.bin"), new byte[0]);
    RandomFiles.create(docroot.resolve("small.bin"), SMALL, 1);
    RandomFiles.create(docroot.resolve("big.bin"), BIG, 2);
    return Map.of("/empty.bin", Hashes.sha256(docroot.resolve("empty.bin")),
        "/small.bin", Hashes.sha256(docroot.resolve("small.bin")),
        "/big.bin", Hashes.sha256(docroot.resolve("big.bin")));
  }

  static Stream<Arguments> cells() {
    List<Arguments> out = new ArrayList<>();
    for (String client : List.of("http/1.1", "h2", "h3")) {
      for (String origin : List.of("h1", "h1-tls", "h2c", "h2", "h3")) {
        out.add(Arguments.of(client, origin));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} client, {1} origin")
  @MethodSource("cells")
  void theSameAssertionsHoldInEveryCell(String client, String originName) throws Exception {
    Origin origin = ORIGINS.get(originName);
    Path dir = Files.createDirectories(work.resolve(client.replace("/", "") + "-" + originName));
    for (String path : java.util.Arrays.asList(origin.emptyPath(), origin.smallPath(), origin.bigPath())) {
      if (path == null) {
        continue;
      }
      long start = System.nanoTime();
      Path body = get(client, origin.relay(), path, dir, 200);
      if (path.equals(origin.bigPath())) {
        // A figure for the record, from one run on a shared machine (client process start included); not asserted.
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "[protocol-matrix] %s client, %s origin: 10 MiB GET in %.2f s (%.0f MB/s)%n",
            client, originName, seconds, BIG / seconds / 1e6);
      }
      assertEquals(origin.hashes().get(path), Hashes.sha256(body), client + " -> " + originName + " GET " + path);
    }
    boolean builtinOrigin = origin.name().startsWith("h1") || origin.name().equals("h2c");
    if (builtinOrigin && !client.equals("h3")) {
      // The built-in origin ends /trailers with two trailer fields; curl prints them after the head on both
      // versions (chunked on HTTP/1.1). gtlsclient shows no fields, nghttpd and gtlsserver send no trailers.
      Path head = dir.resolve("get_trailers-200.head");
      get(client, origin.relay(), "/trailers", dir, 200);
      String fields = Files.readString(head).toLowerCase(Locale.ROOT);
      assertTrue(fields.contains("x-trailer-one: 1") && fields.contains("x-checksum: abc"), "trailers: " + fields);
    }
    if (origin.echoPath() != null) {
      Path echoed = post(client, origin.relay(), origin.echoPath(), dir);
      assertEquals(Hashes.sha256(upload), Hashes.sha256(echoed), client + " -> " + originName + " 50 MiB echo");
    }
    // TCP origins refuse at once (502, destination_unavailable); a QUIC origin stays silent until the connect
    // timeout (504, connection_timeout): QUIC ignores ICMP.
    get(client, origin.dead(), origin.smallPath(), dir, originName.equals("h3") ? 504 : 502);
  }

  /** GET {@code path} through {@code relay}; checks the status (and, with curl, Via, Proxy-Status and hop fields). */
  private static Path get(String client, FerryRelay relay, String path, Path dir, int status) throws Exception {
    String name = "get" + path.replace('/', '_') + "-" + status;
    String url = "https://localhost:" + relay.port() + path;
    if (client.equals("h3")) {
      GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relay.port()).timeout(Duration.ofSeconds(60))
          .fetch(dir.resolve(name), url);
      assertEquals(status, result.status(0).orElse(-1), result.stderr());
      return result.download(url).orElseThrow();
    }
    Path body = dir.resolve(name + ".body");
    Path head = dir.resolve(name + ".head");
    ProcessRunner.Result curl = ProcessRunner.run(List.of("curl", "-sS", "-k", curlVersion(client),
        "--resolve", "localhost:" + relay.port() + ":127.0.0.1", "--max-time", "60",
        "-o", body.toString(), "-D", head.toString(), "-w", "%{http_code}", url), dir, name,
        Duration.ofSeconds(90));
    assertEquals(0, curl.exitCode(), curl.stderrText());
    assertEquals(Integer.toString(status), curl.stdoutText().trim());
    String fields = Files.readString(head).toLowerCase(Locale.ROOT);
    if (status == 200) {
      assertTrue(fields.contains("\nvia: ") && fields.contains("ferry"), "Via added: " + fields);
    } else {
      assertTrue(fields.contains("proxy-status: ferry; error="), "Proxy-Status on " + status + ": " + fields);
    }
    assertTrue(!fields.contains("keep-alive:") && !fields.contains("proxy-connection:"), "hop fields: " + fields);
    return body;
  }

  private static Path post(String client, FerryRelay relay, String path, Path dir) throws Exception {
    String url = "https://localhost:" + relay.port() + path;
    if (client.equals("h3")) {
      GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relay.port()).quiet().method("POST").data(upload)
          .timeout(Duration.ofSeconds(120)).fetch(dir.resolve("post"), url);
      assertEquals(0, result.exitCode(), result.stderr());
      return result.download(url).orElseThrow();
    }
    Path body = dir.resolve("post.body");
    ProcessRunner.Result curl = ProcessRunner.run(List.of("curl", "-sS", "-k", curlVersion(client),
        "--resolve", "localhost:" + relay.port() + ":127.0.0.1", "--max-time", "120",
        "-H", "content-type: application/octet-stream", "--data-binary", "@" + upload, "-o", body.toString(),
        "-w", "%{http_code}", url), dir, "post", Duration.ofSeconds(150));
    assertEquals(0, curl.exitCode(), curl.stderrText());
    assertEquals("200", curl.stdoutText().trim());
    return body;
  }

  private static String curlVersion(String client) {
    return client.equals("h2") ? "--http2" : "--http1.1";
  }
}
