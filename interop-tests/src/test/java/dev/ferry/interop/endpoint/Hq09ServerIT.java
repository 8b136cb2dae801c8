package dev.ferry.interop.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.QuicConfig;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.KwikTrace;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.WorkDirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;

/**
 * A listener with {@code application-protocol: hq-interop} serves HTTP/0.9 over QUIC, the QUIC interop runner's
 * protocol, from a {@code files} origin through the exchange driver, judged by kwik, a QUIC stack nobody here wrote:
 * files requested on parallel streams of one connection arrive hash-equal, a missing file resets its stream (HTTP/0.9
 * has no status), and a line that is not {@code GET /path} resets its stream while the others carry on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Hq09ServerIT {

  @Test
  void filesArriveWholeOnParallelStreamsAndBadRequestsCostOnlyTheirStream() throws Exception {
    Path work = WorkDirs.create("hq-interop-server");
    Path www = Files.createDirectories(work.resolve("www"));
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      files.add(RandomFiles.create(www.resolve("file-" + i + ".bin"), (i + 1) * 300_000L, 20 + i));
    }
    Path big = RandomFiles.create(www.resolve("big.bin"), 10L << 20, 30);
    try (FerryRelay relay = FerryRelay.builder(work.resolve("state")).origin(OriginConfig.files("www", www))
        .quic(QuicConfig.defaults().withApplicationProtocol(QuicConfig.HQ_INTEROP)).start()) {
      QuicClientConnection connection = connect(relay.port());
      try {
        List<CompletableFuture<byte[]>> downloads = new ArrayList<>();
        for (Path file : files) {
          downloads.add(fetch(connection, "GET /" + file.getFileName() + "\r\n"));
        }
        CompletableFuture<byte[]> bigDownload = fetch(connection, "GET /big.bin\r\n");
        CompletableFuture<byte[]> missing = fetch(connection, "GET /missing.bin\r\n");
        CompletableFuture<byte[]> notGet = fetch(connection, "POST /big.bin\r\n");
        CompletableFuture<byte[]> traversal = fetch(connection, "GET /../state/ferry.yaml\r\n");

        for (int i = 0; i < files.size(); i++) {
          assertArrayEquals(Files.readAllBytes(files.get(i)), downloads.get(i).get(60, TimeUnit.SECONDS),
              files.get(i).getFileName().toString());
        }
        assertEquals(Hashes.sha256(big), Hashes.sha256(bigDownload.get(60, TimeUnit.SECONDS)));
        for (CompletableFuture<byte[]> refused : List.of(missing, notGet, traversal)) {
          ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(30, TimeUnit.SECONDS));
          assertTrue(e.getCause() instanceof IOException && e.getCause().getMessage().contains("reset"),
              "a reset stream, not an answer: " + e);
        }
        // The connection still serves after the refusals.
        assertArrayEquals(Files.readAllBytes(files.get(0)),
            fetch(connection, "GET /" + files.get(0).getFileName() + "\n").get(30, TimeUnit.SECONDS));
      } finally {
        connection.close();
      }
    }
  }

  /**
   * Connects with ALPN hq-interop. kwik's one recognised client-side handshake race (see
   * {@code KwikTunnelClient.connect}) gets a second attempt; any other failure, or the race twice, fails.
   */
  private static QuicClientConnection connect(int port) throws IOException {
    for (int attempt = 1; ; attempt++) {
      KwikTrace trace = KwikTrace.handshake();
      QuicClientConnection connection = QuicClientConnection.newBuilder()
          .uri(URI.create("https://127.0.0.1:" + port))
          .version(QuicConnection.QuicVersion.V1)
          .applicationProtocol("hq-interop")
          .connectTimeout(Duration.ofSeconds(10))
          .maxIdleTimeout(Duration.ofSeconds(60))
          .noServerCertificateCheck()
          .logger(trace)
          .build();
      try {
        connection.connect();
        trace.stopTracing();
        return connection;
      } catch (java.net.ConnectException e) {
        connection.close();
        if (attempt > 1 || !trace.showsServerHelloRace()) {
          throw e;
        }
        System.err.println("Hq09ServerIT: kwik's ServerHello race; connecting once more");
      }
    }
  }

  /** Sends {@code requestLine} on a new stream, ends it, and reads the answer to its end on another thread. */
  private static CompletableFuture<byte[]> fetch(QuicClientConnection connection, String requestLine)
      throws IOException {
    QuicStream stream = connection.createStream(true);
    try (OutputStream out = stream.getOutputStream()) {
      out.write(requestLine.getBytes(StandardCharsets.US_ASCII));
    }
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream in = stream.getInputStream()) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
  }
}
