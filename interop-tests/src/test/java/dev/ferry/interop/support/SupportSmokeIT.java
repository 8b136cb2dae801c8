package dev.ferry.interop.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.http3.tls.CertificateAuthority;
import dev.ferry.http3.tls.SelfSignedCertificate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** Checks that the helpers really start and drive the external programs on this machine. */
class SupportSmokeIT {

  @Test
  void nginxServesStaticFileOverPlainHttp1() throws Exception {
    Path work = WorkDirs.create("nginx-plain");
    Path file = RandomFiles.create(work.resolve("www/one-kib.bin"), 1024, 1);
    try (NginxOrigin nginx = NginxOrigin.start(work, work.resolve("www"), false, null)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + nginx.port() + "/one-kib.bin")).build(),
          HttpResponse.BodyHandlers.ofByteArray());

      assertEquals(200, response.statusCode());
      assertEquals(Hashes.sha256(file), Hashes.sha256(response.body()));
      assertEquals(1, nginx.requestCount());
    }
  }

  @Test
  void nginxServesHttp2OverTlsVerifiedAgainstTestCa() throws Exception {
    Path work = WorkDirs.create("nginx-tls");
    Path file = RandomFiles.create(work.resolve("www/f.bin"), 70_000, 2);
    CertificateAuthority ca = CertificateAuthority.generate("Ferry IT CA");
    SelfSignedCertificate cert = ca.issue(List.of(), List.of());
    cert.writeTo(work.resolve("origin.crt.pem"), work.resolve("origin.key.pem"));
    try (NginxOrigin nginx = NginxOrigin.start(work, work.resolve("www"), true, cert)) {
      HttpResponse<byte[]> response = trusting(ca, work).send(HttpRequest.newBuilder(
          URI.create("https://127.0.0.1:" + nginx.port() + "/f.bin")).build(),
          HttpResponse.BodyHandlers.ofByteArray());

      assertEquals(200, response.statusCode());
      assertEquals(HttpClient.Version.HTTP_2, response.version());
      assertEquals(Hashes.sha256(file), Hashes.sha256(response.body()));
    }
  }

  @Test
  void nghttpdListensForH2cAndEchoesUploadsOverTls() throws Exception {
    try (NghttpdOrigin h2c = NghttpdOrigin.start(WorkDirs.create("nghttpd-h2c"), false, null);
        Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), h2c.port()), 2000);
      assertTrue(socket.isConnected());
    }
    Path work = WorkDirs.create("nghttpd-tls");
    CertificateAuthority ca = CertificateAuthority.generate("Ferry IT CA");
    try (NghttpdOrigin h2 = NghttpdOrigin.start(work, true, ca.issue(List.of(), List.of()))) {
      HttpResponse<String> response = trusting(ca, work).send(HttpRequest.newBuilder(
          URI.create("https://localhost:" + h2.port() + "/echo"))
          .POST(HttpRequest.BodyPublishers.ofString("ping")).build(), HttpResponse.BodyHandlers.ofString());

      assertEquals(HttpClient.Version.HTTP_2, response.version());
      assertEquals("ping", response.body());
    }
  }

  @Test
  void gtlsclientDownloadsFromNgtcp2ServerAndReportsStatuses() throws Exception {
    Path work = WorkDirs.create("gtls");
    Path file = RandomFiles.create(work.resolve("www/f.bin"), 100_000, 3);
    SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of(), List.of(), Duration.ofHours(1));
    int port = FreePorts.udp();
    try (BackgroundProcess server = BackgroundProcess.start(List.of("/usr/sbin/gtlsserver", "-q", "-d",
        work.resolve("www").toString(), "127.0.0.1", Integer.toString(port), cert.privateKeyPath().toString(),
        cert.certificatePath().toString()), work, "gtlsserver")) {
      server.awaitUdpPort(port, Duration.ofSeconds(10));
      String base = "https://127.0.0.1:" + port;
      GtlsClient.Result result = GtlsClient.connect("127.0.0.1", port).timeout(Duration.ofSeconds(30))
          .fetch(work.resolve("client"), base + "/f.bin", base + "/missing");

      assertEquals(200, result.status(0).orElse(-1), result.stderr());
      assertEquals(404, result.status(1).orElse(-1), result.stderr());
      assertEquals(Hashes.sha256(file), Hashes.sha256(result.download(base + "/f.bin").orElseThrow()));
    }
  }

  @Test
  void h3specRunsAndReportsItsCases() throws Exception {
    Path work = WorkDirs.create("h3spec");
    H3Spec h3spec = H3Spec.fromSystemProperty();
    assertEquals("h3spec 0.1.7", h3spec.version(work));
    SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of(), List.of(), Duration.ofHours(1));
    int port = FreePorts.udp();
    Files.createDirectories(work.resolve("www"));
    try (BackgroundProcess server = BackgroundProcess.start(List.of("/usr/sbin/gtlsserver", "-q", "-d",
        work.resolve("www").toString(), "127.0.0.1", Integer.toString(port), cert.privateKeyPath().toString(),
        cert.certificatePath().toString()), work, "gtlsserver")) {
      server.awaitUdpPort(port, Duration.ofSeconds(10));
      H3SpecReport report = h3spec.run(work, "127.0.0.1", port, Duration.ofSeconds(60), "-m", "FLOW_CONTROL_ERROR");

      assertEquals(1, report.cases().size(), report.output());
      assertTrue(report.cases().get(0).passed(), report.output());
      assertEquals(0, report.exitCode(), report.output());
    }
  }

  private static HttpClient trusting(CertificateAuthority ca, Path work) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", ca.certificate());
    ca.writeCaPem(work.resolve("ca.pem"));
    TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
    trust.init(store);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }
}
