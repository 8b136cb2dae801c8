package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.OriginProtocol;
import dev.ferry.app.config.OriginTlsConfig;
import dev.ferry.app.config.TimeoutsConfig;
import dev.ferry.http3.tls.CertificateAuthority;
import dev.ferry.http3.tls.SelfSignedCertificate;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.BoundPorts;
import dev.ferry.interop.support.FreePorts;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.NghttpdOrigin;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.RelayClients;
import dev.ferry.interop.support.RelayClients.Answer;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.Http3TestOrigin;
import dev.ferry.testorigin.PatternBytes;
import dev.ferry.testorigin.RecordedRequest;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
 * over TLS: nghttpd; {@code h3}: gtlsserver, an independent peer, and the repository's HTTP/3 test origin, which
 * serves what gtlsserver cannot), in the spirit of Envoy's protocol integration tests. In every cell: GETs of 0 B,
 * 1 KiB and 10 MiB arrive hash-equal (no 0 B from gtlsserver, which answers 404 for an empty file); a 50 MiB POST
 * comes back byte for byte where the origin echoes (all but gtlsserver); an origin that does not answer gives 502
 * (504 for QUIC, which waits out its connect timeout) with Proxy-Status; trailers reach the client where the origin
 * sends them (the built-in origin); every answer, on every client, carries Via when forwarded and no
 * connection-specific field; and hop-by-hop fields stay on their hop both ways, through the built-in origin's
 * {@code /hop-fields} and the requests it records.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProtocolMatrixIT {
  private static final int SMALL = 1024;
  private static final int BIG = 10 << 20;
  private static final long UPLOAD = 50L << 20;
  private static final List<String> ORIGIN_NAMES =
      List.of("h1", "h1-tls", "h2c", "h2", "h3 (gtlsserver)", "h3 (test origin)");
  /**
   * The connection-specific fields of RFC 9110 7.6.1 (TE aside, which is a request field). They describe one
   * connection, so the relay must not pass the origin's on; on HTTP/2 and HTTP/3 they would make the answer
   * malformed (RFC 9113 8.2.2, RFC 9114 4.2).
   */
  private static final List<String> CONNECTION_FIELDS =
      List.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

  /**
   * How one origin is reached and what it serves; {@code builtin} is set for the built-in origin, whose
   * {@code /trailers} and {@code /hop-fields} the others lack and whose received requests can be read back.
   */
  private record Origin(String name, OriginProtocol protocol, FerryRelay relay, FerryRelay dead, String emptyPath,
                        String smallPath, String bigPath, String echoPath, Map<String, String> hashes,
                        BuiltinOrigin builtin) {
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
    TimeoutsConfig timeouts = FerryRelay.timeouts(quick, Duration.ofSeconds(60), Duration.ofSeconds(60));

    BuiltinOrigin builtin = BuiltinOrigin.builder().build().start();
    CLOSE.add(builtin);
    Map<String, String> patternHashes = Map.of(
        "/bytes/0", Hashes.sha256(new byte[0]),
        "/bytes/" + SMALL, Hashes.sha256(PatternBytes.bytes(0, SMALL)),
        "/bytes/" + BIG, Hashes.sha256(PatternBytes.bytes(0, BIG)));
    add(new Origin("h1", OriginProtocol.H1, relay("h1", FerryRelay.h1("builtin", builtin.address())),
        relay("h1-dead", dead(OriginProtocol.H1, OriginTlsConfig.defaults(), quick)),
        "/bytes/0", "/bytes/" + SMALL, "/bytes/" + BIG, "/echo", patternHashes, builtin));
    add(new Origin("h2c", OriginProtocol.H2C, relay("h2c", FerryRelay.h2c("builtin", builtin.address())),
        relay("h2c-dead", dead(OriginProtocol.H2C, OriginTlsConfig.defaults(), quick)),
        "/bytes/0", "/bytes/" + SMALL, "/bytes/" + BIG, "/echo", patternHashes, builtin));

    CertificateAuthority ca = CertificateAuthority.generate("Ferry matrix CA");
    SelfSignedCertificate originCert = ca.issue(List.of(), List.of());
    Path caFile = ca.writeCaPem(work.resolve("ca.pem"));

    BuiltinOrigin builtinTls = BuiltinOrigin.builder()
        .sslContext(BuiltinOrigin.tlsContext(originCert.privateKey(), originCert.certificate())).build().start();
    CLOSE.add(builtinTls);
    OriginTlsConfig verified = new OriginTlsConfig(true, true, caFile, "localhost");
    add(new Origin("h1-tls", OriginProtocol.H1, relay("h1-tls", FerryRelay.origin("builtin-tls", OriginProtocol.H1,
        builtinTls.address(), verified, timeouts)),
        relay("h1-tls-dead", dead(OriginProtocol.H1, verified, quick)),
        "/bytes/0", "/bytes/" + SMALL, "/bytes/" + BIG, "/echo", patternHashes, builtinTls));
    NghttpdOrigin nghttpd = NghttpdOrigin.start(work.resolve("nghttpd"), true, originCert);
    CLOSE.add(nghttpd);
    Map<String, String> fileHashes = files(nghttpd.docroot());
    add(new Origin("h2", OriginProtocol.H2, relay("h2", FerryRelay.h2("nghttpd",
        new InetSocketAddress("127.0.0.1", nghttpd.port()), caFile, "localhost")),
        relay("h2-dead", dead(OriginProtocol.H2, verified, quick)),
        "/empty.bin", "/small.bin", "/big.bin", "/upload", fileHashes, null));

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
    // Nothing listens behind it, so both h3 columns share it.
    FerryRelay h3Dead = relay("h3-dead", dead(OriginProtocol.H3, h3Tls, quick));
    add(new Origin("h3 (gtlsserver)", OriginProtocol.H3, relay("h3-gtlsserver", FerryRelay.origin("gtlsserver",
        OriginProtocol.H3, new InetSocketAddress("127.0.0.1", h3Port), h3Tls, timeouts)), h3Dead,
        // gtlsserver answers 404 for an empty file, and echoes nothing.
        null, "/small.bin", "/big.bin", null, fileHashes, null));

    Http3TestOrigin h3Origin = new Http3TestOrigin();
    CLOSE.add(h3Origin);
    // Its self-signed certificate is the one CA the relay trusts for it: verification stays on.
    OriginTlsConfig h3OriginTls = new OriginTlsConfig(true, true, h3Origin.certificateFile(), "localhost");
    add(new Origin("h3 (test origin)", OriginProtocol.H3, relay("h3-test-origin", FerryRelay.origin("h3-test-origin",
        OriginProtocol.H3, h3Origin.address(), h3OriginTls, timeouts)), h3Dead,
        "/bytes?n=0", "/bytes?n=" + SMALL, "/bytes?n=" + BIG, "/echo", Map.of(
            "/bytes?n=0", Hashes.sha256(new byte[0]),
            "/bytes?n=" + SMALL, Hashes.sha256(h3OriginBytes(SMALL)),
            "/bytes?n=" + BIG, Hashes.sha256(h3OriginBytes(BIG))), null));
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

  /** What {@link Http3TestOrigin} serves for {@code /bytes?n=N}: byte i is {@code i % 251}. */
  private static byte[] h3OriginBytes(int n) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (i % 251);
    }
    return out;
  }

  static Stream<Arguments> cells() {
    List<Arguments> out = new ArrayList<>();
    for (String client : RelayClients.PROTOCOLS) {
      for (String origin : ORIGIN_NAMES) {
        out.add(Arguments.of(client, origin));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} client, {1} origin")
  @MethodSource("cells")
  void theSameAssertionsHoldInEveryCell(String client, String originName) throws Exception {
    Origin origin = ORIGINS.get(originName);
    Path dir = Files.createDirectories(work.resolve((client + "-" + originName).replaceAll("[^A-Za-z0-9.-]+", "")));
    for (String path : Stream.of(origin.emptyPath(), origin.smallPath(), origin.bigPath())
        .filter(Objects::nonNull).toList()) {
      long start = System.nanoTime();
      Answer answer = forwarded(client, origin.relay(), path, dir, List.of());
      assertNotNull(answer.body(), answer.log());
      if (path.equals(origin.bigPath())) {
        // A figure for the record, from one run on a shared machine (client process start included); not asserted.
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "[protocol-matrix] %s client, %s origin: 10 MiB GET in %.2f s (%.0f MB/s)%n",
            client, originName, seconds, BIG / seconds / 1e6);
      }
      assertEquals(origin.hashes().get(path), Hashes.sha256(answer.body()),
          client + " -> " + originName + " GET " + path);
    }
    if (origin.builtin() != null) {
      // The built-in origin ends /trailers with two trailer fields (chunked on HTTP/1.1); nghttpd and the h3
      // origins send none.
      Answer answer = forwarded(client, origin.relay(), "/trailers", dir, List.of());
      assertEquals(List.of("1"), answer.trailers().values("x-trailer-one"), answer.log());
      assertEquals(List.of("abc"), answer.trailers().values("x-checksum"), answer.log());
      hopFieldsStayOnTheirHop(client, origin, dir);
    }
    if (origin.echoPath() != null) {
      Answer echoed = RelayClients.post(client, origin.relay().port(), origin.echoPath(), upload, dir);
      if (!client.equals("h3")) {
        assertEquals(200, echoed.status(), echoed.log()); // gtlsclient, quiet for 50 MiB, prints no status
      }
      assertNotNull(echoed.body(), echoed.log());
      assertEquals(Hashes.sha256(upload), Hashes.sha256(echoed.body()),
          client + " -> " + originName + " 50 MiB echo");
    }
    // TCP origins refuse at once (502, destination_unavailable); a QUIC origin stays silent until the connect
    // timeout (504, connection_timeout): QUIC ignores ICMP.
    Answer refused = RelayClients.get(client, origin.dead().port(), origin.smallPath(), dir, List.of());
    assertEquals(origin.protocol() == OriginProtocol.H3 ? 504 : 502, refused.status(), refused.log());
    assertTrue(refused.head().values("proxy-status").stream().anyMatch(v -> v.startsWith("ferry; error=")),
        "Proxy-Status on " + refused.status() + ": " + refused.log());
    assertNoConnectionFields(client, refused);
  }

  /**
   * The built-in origin's {@code /hop-fields} answers, over HTTP/1.1, with Connection naming X-Private-Hop and
   * keep-alive, Keep-Alive, X-Private-Hop, Proxy-Connection and the end-to-end X-Kept: only X-Kept may reach the
   * client. (Over h2c the origin cannot send the others, RFC 9113 8.2.2 making them malformed, so there the check
   * on the answer holds trivially.) The HTTP/1.1 client sends the like towards the origin, which must not receive
   * them, h2c included, where a forwarded X-Client-Hop would be a legal field; HTTP/2 and HTTP/3 clients cannot
   * send them, for the same reason. A query names the cell, so the origin's record of this request is found among
   * the others.
   */
  private static void hopFieldsStayOnTheirHop(String client, Origin origin, Path dir) {
    String target = "/hop-fields?cell=" + (client + "-" + origin.name()).replaceAll("[^A-Za-z0-9.-]+", "");
    List<String> clientHopFields = client.equals("http/1.1") ? List.of("Connection: x-client-hop",
        "X-Client-Hop: 1", "Keep-Alive: timeout=9", "Proxy-Connection: keep-alive") : List.of();
    Answer answer = forwarded(client, origin.relay(), target, dir, clientHopFields);
    assertEquals(List.of("yes"), answer.head().values("x-kept"), answer.log());
    for (String name : List.of("connection", "keep-alive", "proxy-connection", "x-private-hop")) {
      assertFalse(answer.head().has(name), name + " reached the client: " + answer.log());
    }
    RecordedRequest received = origin.builtin().requests().stream().filter(r -> r.target().equals(target))
        .findFirst().orElseThrow(() -> new AssertionError("the origin did not record " + target));
    for (String name : List.of("connection", "keep-alive", "proxy-connection", "x-client-hop")) {
      assertTrue(received.headerValues(name).isEmpty(), name + " reached the origin: " + received.headers());
    }
  }

  /** GETs {@code path} through {@code relay}; checks 200, a Via naming the relay and no connection field. */
  private static Answer forwarded(String client, FerryRelay relay, String path, Path dir, List<String> curlHeaders) {
    Answer answer = RelayClients.get(client, relay.port(), path, dir, curlHeaders);
    assertEquals(200, answer.status(), answer.log());
    assertTrue(answer.head().values("via").stream().anyMatch(v -> v.contains("ferry")), "Via: " + answer.log());
    assertNoConnectionFields(client, answer);
    return answer;
  }

  /**
   * No connection-specific field on the answer. Connection is absent on HTTP/1.1 too: curl asks for a persistent
   * connection, so the relay has nothing to say about its own, and the origin's must not show.
   */
  private static void assertNoConnectionFields(String client, Answer answer) {
    for (String name : CONNECTION_FIELDS) {
      List<String> values = answer.head().values(name);
      if (client.equals("http/1.1") && name.equals("transfer-encoding")) {
        // On HTTP/1.1 the relay frames its own hop: chunked is its framing, and nothing else may show.
        assertTrue(values.stream().allMatch("chunked"::equalsIgnoreCase), answer.log());
      } else {
        assertTrue(values.isEmpty(), name + " on " + client + ": " + answer.log());
      }
    }
  }
}
