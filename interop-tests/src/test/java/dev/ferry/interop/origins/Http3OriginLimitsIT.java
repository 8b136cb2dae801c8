package dev.ferry.interop.origins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.OriginProtocol;
import dev.ferry.app.config.OriginTlsConfig;
import dev.ferry.app.config.TimeoutsConfig;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.Http3TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An HTTP/3 origin that is hard on its clients, behind the relay, with gtlsclient in front: it allows two streams
 * at once, or sends GOAWAY after ten requests per connection and refuses the streams after it, or closes idle
 * connections after one second. Every request still gets its whole answer, hash-equal, and the origin's own counts
 * show the relay kept to its limits: never more than two streams open, a new connection after each GOAWAY, a new
 * connection after the idle timeout.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http3OriginLimitsIT {
  private static final int REQUESTS = 20;
  /**
   * Requests a connection takes before its GOAWAY. The requests above it are refused and sent again on the next
   * connection; a request is sent at most four times in all, which this test's two rounds stay well within.
   */
  private static final int GOAWAY_AFTER = 10;

  @Test
  void theRelayKeepsToTheOriginsStreamLimit() throws Exception {
    try (Http3TestOrigin origin = new Http3TestOrigin(new Http3TestOrigin.Limits(2, Duration.ofSeconds(10), 0));
         FerryRelay relay = relayFor(origin, "h3-stream-limit")) {
      fetchAll(relay, WorkDirs.create("h3-stream-limit-client"));
      assertTrue(origin.mostOpenStreams() <= 2, "the origin allows 2 streams, saw " + origin.mostOpenStreams());
      assertEquals(REQUESTS, origin.requests());
      assertEquals(1, origin.connections(), "waiting for stream credit needs no second connection");
    }
  }

  @Test
  void afterGoAwayTheRelayMovesToANewConnectionAndSendsTheRefusedRequestsAgain() throws Exception {
    try (Http3TestOrigin origin = new Http3TestOrigin(new Http3TestOrigin.Limits(100, Duration.ofSeconds(10), GOAWAY_AFTER));
         FerryRelay relay = relayFor(origin, "h3-goaway")) {
      fetchAll(relay, WorkDirs.create("h3-goaway-client"));
      assertEquals(REQUESTS, origin.requests(), "every request answered once");
      assertTrue(origin.connections() >= REQUESTS / GOAWAY_AFTER, "a connection takes " + GOAWAY_AFTER
          + " requests, so at least " + REQUESTS / GOAWAY_AFTER + " were needed; the origin saw "
          + origin.connections());
    }
  }

  @Test
  void aConnectionTheOriginClosedWhenIdleIsReplaced() throws Exception {
    try (Http3TestOrigin origin = new Http3TestOrigin(new Http3TestOrigin.Limits(100, Duration.ofSeconds(1), 0));
         FerryRelay relay = relayFor(origin, "h3-idle")) {
      Path work = WorkDirs.create("h3-idle-client");
      assertEquals(200, fetch(relay, work.resolve("first"), 1000).status(0).orElse(-1));
      Thread.sleep(2_500);
      GtlsClient.Result second = fetch(relay, work.resolve("second"), 1001);
      assertEquals(200, second.status(0).orElse(-1), second.stderr());
      assertEquals(2, origin.connections(), "the idle connection closed, so the second request needed a new one");
    }
  }

  private static FerryRelay relayFor(Http3TestOrigin origin, String name) throws Exception {
    OriginConfig config = FerryRelay.origin("h3-test", OriginProtocol.H3, origin.address(),
        new OriginTlsConfig(true, true, origin.certificateFile(), "localhost"), TimeoutsConfig.defaults());
    return FerryRelay.builder(WorkDirs.create(name).resolve("state")).origin(config).start();
  }

  /** {@value #REQUESTS} requests of different sizes on one gtlsclient connection, each checked byte for byte. */
  private static void fetchAll(FerryRelay relay, Path work) throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      urls.add(url(relay, 50_000 + i));
    }
    GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relay.port()).timeout(Duration.ofSeconds(60))
        .fetch(work, urls);
    for (int i = 0; i < REQUESTS; i++) {
      assertEquals(200, result.status(i).orElse(-1), "request " + i + ": " + result.stderr());
      Path body = result.download(urls.get(i)).orElseThrow();
      assertEquals(Hashes.sha256(pattern(50_000 + i)), Hashes.sha256(body), "request " + i);
    }
  }

  private static GtlsClient.Result fetch(FerryRelay relay, Path work, int n) throws Exception {
    String url = url(relay, n);
    GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relay.port()).timeout(Duration.ofSeconds(30))
        .fetch(work, url);
    if (result.status(0).orElse(-1) == 200) {
      assertEquals(Hashes.sha256(pattern(n)), Hashes.sha256(Files.readAllBytes(result.download(url).orElseThrow())));
    }
    return result;
  }

  private static String url(FerryRelay relay, int n) {
    return "https://localhost:" + relay.port() + "/bytes?n=" + n;
  }

  /** What Http3TestOrigin sends for /bytes?n=N: byte i is i % 251. */
  private static byte[] pattern(int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) (i % 251);
    }
    return bytes;
  }
}
