package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.NginxOrigin;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.WorkDirs;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Proves the relay end to end between two programs nobody here wrote: ngtcp2's {@code gtlsclient} speaks HTTP/3 to
 * Ferry, Ferry speaks plain HTTP/1.1 to nginx. Bodies of 0 B, 1 KiB and 10 MiB arrive byte for byte (SHA-256),
 * statuses pass through unchanged (200 and 404), nginx really served the requests and the relay logged them.
 *
 * <p>{@code gtlsclient} exits 0 whatever happens, so every check is on what it downloaded and the statuses it
 * printed.
 */
class NginxThroughFerryIT {

  private static final long TEN_MIB = 10L << 20;

  @Test
  void relaysNginxFilesOf0B1KiBAnd10MiBIntactOverOneHttp3Connection() throws Exception {
    Path work = WorkDirs.create("nginx-through-ferry");
    Path www = work.resolve("www");
    Path empty = RandomFiles.create(www.resolve("empty.bin"), 0, 1);
    Path small = RandomFiles.create(www.resolve("one-kib.bin"), 1024, 2);
    Path large = RandomFiles.create(www.resolve("ten-mib.bin"), TEN_MIB, 3);

    try (NginxOrigin nginx = NginxOrigin.start(work.resolve("nginx"), www, false, null);
        FerryRelay relay = FerryRelay.start(work.resolve("state"),
            FerryRelay.h1("nginx", new InetSocketAddress("127.0.0.1", nginx.port())))) {
      List<String> uris = List.of(relay.url("/empty.bin"), relay.url("/one-kib.bin"), relay.url("/ten-mib.bin"));
      GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relay.port()).timeout(Duration.ofSeconds(40))
          .fetch(work.resolve("client"), uris);

      assertFalse(result.timedOut(), result.stderr());
      for (int i = 0; i < uris.size(); i++) {
        assertEquals(200, result.status(i).orElse(-1), "status of " + uris.get(i) + "\n" + result.stderr());
      }
      assertDownloaded(result, uris.get(0), empty);
      assertDownloaded(result, uris.get(1), small);
      assertDownloaded(result, uris.get(2), large);

      String nginxLog = awaitLines(nginx.accessLog(), 3);
      for (String name : List.of("empty.bin", "one-kib.bin", "ten-mib.bin")) {
        assertTrue(Pattern.compile("\"GET /" + Pattern.quote(name) + " HTTP/1\\.1\" 200 ").matcher(nginxLog).find(),
            "nginx access log lacks a 200 for " + name + ":\n" + nginxLog);
      }
      List<String> relayLog = awaitRelayLog(relay, 3);
      for (String name : List.of("/empty.bin", "/one-kib.bin", "/ten-mib.bin")) {
        assertTrue(relayLog.stream().anyMatch(l -> l.contains("\"path\":\"" + name + "\"")
            && l.contains("\"status\":200")), "relay access log lacks a 200 for " + name + ": " + relayLog);
      }

      // The rate on its own connection, quiet (no per-frame log), timed around the whole client run.
      long start = System.nanoTime();
      GtlsClient.Result timed = GtlsClient.connect("127.0.0.1", relay.port()).quiet()
          .timeout(Duration.ofSeconds(40)).fetch(work.resolve("client-timed"), uris.get(2));
      double seconds = (System.nanoTime() - start) / 1e9;
      assertDownloaded(timed, uris.get(2), large);
      System.out.printf(Locale.ROOT, "NginxThroughFerryIT: 10 MiB nginx -> Ferry -> gtlsclient in %.3f s = %.1f MB/s"
          + " (whole gtlsclient run, handshake included)%n", seconds, TEN_MIB / 1e6 / seconds);
    }
  }

  @Test
  void passesNginx404ThroughAs404() throws Exception {
    Path work = WorkDirs.create("nginx-through-ferry-404");
    Path www = work.resolve("www");
    Files.createDirectories(www);

    try (NginxOrigin nginx = NginxOrigin.start(work.resolve("nginx"), www, false, null);
        FerryRelay relay = FerryRelay.start(work.resolve("state"),
            FerryRelay.h1("nginx", new InetSocketAddress("127.0.0.1", nginx.port())))) {
      GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relay.port()).timeout(Duration.ofSeconds(30))
          .fetch(work.resolve("client"), relay.url("/missing.bin"));

      assertEquals(404, result.status(0).orElse(-1), result.stderr());
      String nginxLog = awaitLines(nginx.accessLog(), 1);
      assertTrue(nginxLog.contains("\"GET /missing.bin HTTP/1.1\" 404 "), nginxLog);
      List<String> relayLog = awaitRelayLog(relay, 1);
      assertTrue(relayLog.stream().anyMatch(l -> l.contains("\"path\":\"/missing.bin\"")
          && l.contains("\"status\":404")), relayLog.toString());
    }
  }

  private static void assertDownloaded(GtlsClient.Result result, String uri, Path expected) {
    Path file = result.download(uri).orElseThrow(() -> new AssertionError("no download for " + uri + "\n"
        + result.stderr()));
    assertEquals(Hashes.sha256(expected), Hashes.sha256(file), "SHA-256 of " + uri);
  }

  /** nginx writes a line when a request ends; give it a moment after the client is gone. */
  private static String awaitLines(Path log, int lines) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    String text = "";
    while (System.nanoTime() < deadline) {
      text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      if (text.lines().count() >= lines) {
        return text;
      }
      Thread.sleep(50);
    }
    return text;
  }

  private static List<String> awaitRelayLog(FerryRelay relay, int lines) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (relay.accessLog().size() < lines && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return relay.accessLog();
  }
}
