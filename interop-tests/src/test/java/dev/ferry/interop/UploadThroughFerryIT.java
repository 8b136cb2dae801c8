package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.app.config.OriginConfig;
import dev.ferry.http3.tls.CertificateAuthority;
import dev.ferry.http3.tls.SelfSignedCertificate;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.KwikTrace;
import dev.ferry.interop.support.NghttpdOrigin;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.WorkDirs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 50 MiB upload from a third-party HTTP/3 client (flupke, on kwik) passes through Ferry to an HTTP/2 origin and
 * comes back unchanged: nghttpd with {@code --echo-upload} returns the request body, so a response whose SHA-256
 * equals the file's proves that every request byte reached the origin in order and every response byte reached the
 * client, with QUIC and HTTP/2 flow control both in play. Run once over TLS with ALPN h2 (the relay verifies
 * nghttpd's certificate against a test CA) and once over h2c with prior knowledge. The response is streamed to a
 * file, so neither side needs the body in memory. Two defects of kwik's own are recognised exactly in its trace
 * and the upload made once more: agent15 dropping the relay's ServerHello ({@code KwikTrace.showsServerHelloRace})
 * and kwik's sender stopping with credit left ({@code KwikTrace.showsSenderStall}); anything else fails with
 * kwik's latest packets printed.
 */
class UploadThroughFerryIT {

  private static final long SIZE = 50L << 20;
  private static final int KWIK_ATTEMPTS = 3;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void echoesFiftyMebibyteUploadUnchangedThroughHttp2OverTlsOrigin() throws Exception {
    Path work = WorkDirs.create("upload-h2-tls");
    CertificateAuthority ca = CertificateAuthority.generate("Ferry IT CA");
    SelfSignedCertificate cert = ca.issue(List.of(), List.of());
    cert.writeTo(work.resolve("origin.crt.pem"), work.resolve("origin.key.pem"));
    Path caFile = ca.writeCaPem(work.resolve("ca.pem"));
    try (NghttpdOrigin nghttpd = NghttpdOrigin.start(work.resolve("nghttpd"), true, cert)) {
      OriginConfig origin = FerryRelay.h2("nghttpd", loopback(nghttpd.port()), caFile, "localhost");
      uploadAndCompare(work, origin, "h2 over TLS");
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void echoesFiftyMebibyteUploadUnchangedThroughH2cOrigin() throws Exception {
    Path work = WorkDirs.create("upload-h2c");
    try (NghttpdOrigin nghttpd = NghttpdOrigin.start(work.resolve("nghttpd"), false, null)) {
      uploadAndCompare(work, FerryRelay.h2c("nghttpd", loopback(nghttpd.port())), "h2c");
    }
  }

  private static void uploadAndCompare(Path work, OriginConfig origin, String label) throws Exception {
    Path upload = RandomFiles.create(work.resolve("upload.bin"), SIZE, 50);
    Path download = work.resolve("download.bin");
    String expected = Hashes.sha256(upload);
    try (FerryRelay relay = FerryRelay.start(work.resolve("relay"), origin)) {
      long start = System.nanoTime();
      AtomicLong headAt = new AtomicLong();
      HttpResponse<Path> response = null;
      // A defect of kwik's own, recognised exactly in its trace (see KwikTrace), means the relay did its part: try
      // again, up to three times in all. Both of kwik's races have been seen in one run, one after the other.
      for (int attempt = 1; response == null; attempt++) {
        try {
          start = System.nanoTime();
          response = send(upload, download, relay, label, headAt);
        } catch (KwikDefect defect) {
          if (attempt == KWIK_ATTEMPTS) {
            throw defect;
          }
          System.err.println("[UploadThroughFerryIT] " + label + ": " + defect.getMessage() + "; once more");
        }
      }
      long end = System.nanoTime();
      double seconds = (end - start) / 1e9;

      assertEquals(200, response.statusCode(), () -> "status; access log: " + relay.accessLog());
      assertEquals(SIZE, Files.size(download), "echoed body length");
      assertEquals(expected, Hashes.sha256(download), "echoed body SHA-256");
      double mib = SIZE / (double) (1 << 20);
      // nghttpd answers an echo only once the whole upload is in, so the head marks the end of the upload.
      double up = (headAt.get() - start) / 1e9;
      double down = (end - headAt.get()) / 1e9;
      System.out.printf(Locale.ROOT, "[UploadThroughFerryIT] %s: %.0f MiB up and back in %.2f s"
          + " (upload until head %.2f s = %.1f MB/s, download %.2f s = %.1f MB/s;"
          + " flupke, tracing its packets -> Ferry -> nghttpd --echo-upload)%n", label, mib, seconds, up,
          SIZE / 1e6 / up, down, SIZE / 1e6 / down);
    }
  }

  /** A failure kwik's trace shows to be kwik's own: agent15's ServerHello race, or kwik's sender stall. */
  private static final class KwikDefect extends Exception {
    private static final long serialVersionUID = 1L;

    KwikDefect(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * One upload on a new flupke client. kwik's latest packets and loss-recovery lines are printed if it fails: they
   * show which side stopped (flow-control credit used up, or a sender that stopped with credit left).
   */
  private static HttpResponse<Path> send(Path upload, Path download, FerryRelay relay, String label,
                                         AtomicLong headAt) throws Exception {
    KwikTrace trace = KwikTrace.packets();
    HttpClient client = tech.kwik.flupke.Http3Client.newBuilder()
        .disableCertificateCheck()
        .connectTimeout(Duration.ofSeconds(10))
        .logger(trace)
        .build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(relay.url("/upload")))
        .timeout(Duration.ofSeconds(90))
        .POST(HttpRequest.BodyPublishers.ofFile(upload))
        .build();
    long start = System.nanoTime();
    try {
      HttpResponse<Path> response = client.send(request, info -> {
        headAt.set(System.nanoTime());
        return HttpResponse.BodyHandlers.ofFile(download).apply(info);
      });
      trace.stopTracing();
      return response;
    } catch (IOException | RuntimeException e) {
      if (e instanceof java.net.ConnectException && trace.showsServerHelloRace()) {
        throw new KwikDefect("kwik dropped the relay's ServerHello (agent15 state race) and timed out", e);
      }
      if (e instanceof tech.kwik.core.StreamClosedException && trace.showsSenderStall(0)) {
        throw new KwikDefect("kwik stopped sending with credit left and nothing in flight (its send-request"
            + " race) until the idle timeout closed the connection", e);
      }
      List<String> lines = trace.lines();
      System.err.println("[UploadThroughFerryIT] " + label + " failed after "
          + (System.nanoTime() - start) / 1_000_000 + " ms: " + e + "; relay access log: " + relay.accessLog()
          + "; kwik's last " + Math.min(400, lines.size()) + " log lines:");
      lines.subList(Math.max(0, lines.size() - 400), lines.size()).forEach(l -> System.err.println("  " + l));
      throw e;
    }
  }

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }
}
