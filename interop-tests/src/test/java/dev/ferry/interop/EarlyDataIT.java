package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.QuicConfig;
import dev.ferry.ingress.EarlyRequests;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 0-RTT early data (RFC 9001 4.6, RFC 8470), judged by ngtcp2's {@code gtlsclient}, which resumes a session from
 * {@code --session-file}/{@code --tp-file} and sends its requests in 0-RTT packets:
 * <ul>
 *   <li>with {@code early-data: true}, a GET read in early data reaches the origin at once, marked
 *       {@code Early-Data: 1};</li>
 *   <li>a POST read in early data waits for the handshake and reaches the origin unmarked, its body intact;</li>
 *   <li>an origin that answers 425 (Too Early) to the marked GET gets it again, unmarked, after the handshake, and
 *       the client sees only the second answer;</li>
 *   <li>with the default, early data is refused: the client is told so and nothing reaches the origin marked.</li>
 * </ul>
 * The client's own log shows that its requests left in 0-RTT packets ({@code type=0RTT}) and were not rejected.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EarlyDataIT {

  @Test
  void safeRequestsGoEarlyMarkedOthersWaitAnd425IsRetriedAfterTheHandshake() throws Exception {
    Path work = WorkDirs.create("early-data");
    Path body = RandomFiles.create(work.resolve("body.bin"), 20_000, 11);
    try (BuiltinOrigin origin = BuiltinOrigin.builder().build().start();
         FerryRelay relay = FerryRelay.builder(work.resolve("state"))
             .origin(FerryRelay.h1("builtin", origin.address()))
             .quic(QuicConfig.defaults().withEarlyData(true)).start()) {
      String base = "https://localhost:" + relay.port();
      EarlyRequests early = relay.server().listeners().get(0).earlyRequests();
      Resuming client = new Resuming(work, relay.port());

      GtlsClient.Result first = client.run("1-full", base + "/");
      assertEquals(200, first.status(0).orElse(-1), first.stderr());
      assertEquals(0, zeroRttPacketsSent(first), "a first connection has no session to send early data with");
      assertEquals(0, early.forwardedEarly() + early.heldUntilHandshake());

      origin.clearRecords();
      GtlsClient.Result get = client.run("2-get", base + "/headers");
      assertResumedWithEarlyData(get);
      assertEquals(200, get.status(0).orElse(-1), get.stderr());
      assertEquals(1, early.forwardedEarly(), "the GET must have been read in early data and forwarded");
      RecordedRequest atOrigin = only(origin.requests());
      assertEquals("1", atOrigin.header("early-data").orElse(null), "Early-Data at the origin: " + atOrigin);
      assertTrue(Files.readString(get.download(base + "/headers").orElseThrow()).contains("early-data: 1"));

      origin.clearRecords();
      GtlsClient.Result post = client.method("POST").data(body).run("3-post", base + "/sink");
      assertResumedWithEarlyData(post);
      assertEquals(200, post.status(0).orElse(-1), post.stderr());
      assertEquals(1, early.heldUntilHandshake(), "the POST must have been read in early data and held");
      assertEquals(1, early.forwardedEarly(), "a POST must never go on in early data");
      RecordedRequest postAtOrigin = only(origin.requests());
      assertEquals("POST", postAtOrigin.method());
      assertTrue(postAtOrigin.header("early-data").isEmpty(), "a held request is not early: " + postAtOrigin);
      String sunk = Files.readString(post.download(base + "/sink").orElseThrow());
      assertEquals("20000\n", sunk, "the origin's byte count of the held POST's body");
      assertTrue(post.stderr().contains("[x-body-sha256: " + Hashes.sha256(body) + "]"),
          "the origin's SHA-256 of the body must equal the file's: " + post.stderr());

      origin.clearRecords();
      GtlsClient.Result tooEarly = client.method("GET").run("4-too-early", base + "/too-early");
      assertResumedWithEarlyData(tooEarly);
      assertEquals(200, tooEarly.status(0).orElse(-1), "the client must see the retry's answer, not the 425: "
          + tooEarly.stderr());
      assertEquals("not early\n", Files.readString(tooEarly.download(base + "/too-early").orElseThrow()));
      List<RecordedRequest> attempts = origin.requests();
      assertEquals(2, attempts.size(), attempts.toString());
      assertEquals("1", attempts.get(0).header("early-data").orElse(null), attempts.toString());
      assertTrue(attempts.get(1).header("early-data").isEmpty(), attempts.toString());
      assertEquals(1, early.retriedAfterTooEarly());
      assertEquals(2, early.forwardedEarly());
      System.out.printf("EarlyDataIT: forwarded early %d, held %d, retried after 425 %d%n",
          early.forwardedEarly(), early.heldUntilHandshake(), early.retriedAfterTooEarly());
    }
  }

  @Test
  void withTheDefaultEarlyDataIsRefusedAndNothingArrivesMarked() throws Exception {
    Path work = WorkDirs.create("early-data-off");
    try (BuiltinOrigin origin = BuiltinOrigin.builder().build().start();
         FerryRelay relay = FerryRelay.builder(work.resolve("state"))
             .origin(FerryRelay.h1("builtin", origin.address())).start()) {
      String base = "https://localhost:" + relay.port();
      Resuming client = new Resuming(work, relay.port());
      assertEquals(200, client.run("1-full", base + "/").status(0).orElse(-1));
      GtlsClient.Result second = client.run("2-resumed", base + "/headers");
      assertEquals(200, second.status(0).orElse(-1), second.stderr());
      assertTrue(second.stderr().contains("Early data was rejected by server") || zeroRttPacketsSent(second) == 0,
          "early data must not be taken: " + second.stderr());
      assertTrue(origin.requests().stream().allMatch(r -> r.header("early-data").isEmpty()),
          origin.requests().toString());
      assertEquals(null, relay.server().listeners().get(0).earlyRequests());
    }
  }

  /** gtlsclient runs that share one session and transport parameter file, so every run after the first resumes. */
  private static final class Resuming {
    private final Path work;
    private final int port;
    private String method = "GET";
    private Path data;

    Resuming(Path work, int port) {
      this.work = work;
      this.port = port;
    }

    Resuming method(String method) {
      this.method = method;
      this.data = null;
      return this;
    }

    Resuming data(Path data) {
      this.data = data;
      return this;
    }

    GtlsClient.Result run(String name, String url) {
      GtlsClient client = GtlsClient.connect("127.0.0.1", port).timeout(Duration.ofSeconds(30)).sni("localhost")
          .option("--session-file=" + work.resolve("session.pem"), "--tp-file=" + work.resolve("tp.txt"))
          .method(method);
      if (data != null) {
        client.data(data);
      }
      return client.fetch(work.resolve(name), url);
    }
  }

  private static void assertResumedWithEarlyData(GtlsClient.Result result) throws IOException {
    assertFalse(result.stderr().contains("Early data was rejected by server"), result.stderr());
    assertTrue(zeroRttPacketsSent(result) > 0, "gtlsclient sent no 0-RTT packet: " + result.stderr());
  }

  /** 0-RTT packets in gtlsclient's log ({@code pkt tx ... type=0RTT}). */
  private static long zeroRttPacketsSent(GtlsClient.Result result) throws IOException {
    try (Stream<String> lines = Files.lines(result.stderrLog(), StandardCharsets.ISO_8859_1)) {
      return lines.filter(l -> l.contains("pkt tx") && l.contains("type=0RTT")).count();
    }
  }

  private static RecordedRequest only(List<RecordedRequest> requests) {
    assertEquals(1, requests.size(), requests.toString());
    return requests.get(0);
  }
}
