package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.Http3Response;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.http3.tls.CertificateAuthority;
import dev.ferry.http3.tls.SelfSignedCertificate;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.WorkDirs;
import io.netty.handler.codec.http3.Http3Headers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Trailer fields sent by an HTTP/2 origin reach the HTTP/3 client as an HTTP/3 trailer section, over h2c and over
 * TLS with ALPN h2 (the relay verifying the origin against a test CA): the built-in origin's {@code /trailers} sends
 * {@code x-trailer-one: 1} and {@code x-checksum: abc} after its body, and {@code /echo} ends the echoed body with
 * {@code x-body-bytes} holding the count it received, which also proves the whole upload arrived. Each response must
 * carry {@code Via} naming the HTTP/2 hop through Ferry and no connection-specific (hop-by-hop) field.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TrailersIT {

  private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "proxy-connection",
      "transfer-encoding", "upgrade");
  private static final int UPLOAD_SIZE = 300_000;

  @Test
  void forwardsTrailersFromH2cOriginToHttp3Client() throws Exception {
    try (BuiltinOrigin origin = BuiltinOrigin.builder().build().start()) {
      Http3Response response = exchange(WorkDirs.create("trailers-h2c"),
          FerryRelay.h2c("builtin", origin.address()), Http3Request.get("/trailers"));
      assertTrailersOf(response);
    }
  }

  @Test
  void forwardsTrailersFromHttp2OverTlsOriginToHttp3Client() throws Exception {
    Path work = WorkDirs.create("trailers-h2-tls");
    try (TlsOrigin tls = TlsOrigin.start(work)) {
      Http3Response response = exchange(work, tls.config(), Http3Request.get("/trailers"));
      assertTrailersOf(response);
    }
  }

  @Test
  void forwardsEchoBodyAndByteCountTrailerFromH2cOrigin() throws Exception {
    try (BuiltinOrigin origin = BuiltinOrigin.builder().build().start()) {
      byte[] upload = randomBytes(UPLOAD_SIZE, 7);
      Http3Response response = exchange(WorkDirs.create("echo-h2c"),
          FerryRelay.h2c("builtin", origin.address()), Http3Request.post("/echo", upload));
      assertEchoOf(upload, response);
    }
  }

  @Test
  void forwardsEchoBodyAndByteCountTrailerFromHttp2OverTlsOrigin() throws Exception {
    Path work = WorkDirs.create("echo-h2-tls");
    try (TlsOrigin tls = TlsOrigin.start(work)) {
      byte[] upload = randomBytes(UPLOAD_SIZE, 8);
      Http3Response response = exchange(work, tls.config(), Http3Request.post("/echo", upload));
      assertEchoOf(upload, response);
    }
  }

  private static Http3Response exchange(Path work, OriginConfig origin, Http3Request request) throws Exception {
    try (FerryRelay relay = FerryRelay.start(work.resolve("relay"), origin);
        Http3Client client = Http3Client.builder().insecure(true).connectTimeout(Duration.ofSeconds(10)).build()) {
      Http3Connection connection = client.connect(relay.address(), "localhost").get(15, TimeUnit.SECONDS);
      return connection.send(request).get(20, TimeUnit.SECONDS);
    }
  }

  private static void assertTrailersOf(Http3Response response) {
    assertEquals(200, response.status());
    assertEquals("ok\n", response.bodyAsString());
    assertEquals("1", value(response.trailers(), "x-trailer-one"), () -> "trailers: " + response.trailers());
    assertEquals("abc", value(response.trailers(), "x-checksum"), () -> "trailers: " + response.trailers());
    assertRelayedFromHttp2(response.headers());
  }

  private static void assertEchoOf(byte[] upload, Http3Response response) {
    assertEquals(200, response.status());
    assertArrayEquals(upload, response.body(), "echoed body");
    assertEquals(Integer.toString(upload.length), value(response.trailers(), "x-body-bytes"),
        () -> "trailers: " + response.trailers());
    assertRelayedFromHttp2(response.headers());
  }

  /** Via names the HTTP/2 hop and Ferry; nothing connection-specific crosses into HTTP/3. */
  private static void assertRelayedFromHttp2(Http3Headers headers) {
    String via = value(headers, "via");
    assertNotNull(via, () -> "no via in " + headers);
    assertTrue(via.contains("2 ferry"), () -> "via: " + via);
    for (String name : HOP_BY_HOP) {
      assertFalse(headers.contains(name), () -> name + " in " + headers);
    }
  }

  private static String value(Http3Headers headers, String name) {
    CharSequence v = headers.get(name);
    return v == null ? null : v.toString();
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    return bytes;
  }

  /** The built-in origin over TLS with ALPN h2, its certificate issued by a test CA the relay trusts. */
  private record TlsOrigin(BuiltinOrigin origin, Path caFile) implements AutoCloseable {
    static TlsOrigin start(Path work) throws Exception {
      CertificateAuthority ca = CertificateAuthority.generate("Ferry IT CA");
      SelfSignedCertificate cert = ca.issue(List.of(), List.of());
      Path caFile = ca.writeCaPem(work.resolve("ca.pem"));
      BuiltinOrigin origin = BuiltinOrigin.builder()
          .sslContext(BuiltinOrigin.tlsContext(cert.privateKey(), cert.certificate()))
          .build().start();
      return new TlsOrigin(origin, caFile);
    }

    OriginConfig config() {
      return FerryRelay.h2("builtin", origin.address(), caFile, "localhost");
    }

    @Override
    public void close() {
      origin.close();
    }
  }
}
