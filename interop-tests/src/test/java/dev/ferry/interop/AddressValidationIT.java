package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.AddressValidationConfig;
import dev.ferry.app.config.QuicConfig;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.BuiltinOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Address validation with Retry (RFC 9000 8.1.2), judged by ngtcp2's {@code gtlsclient}: with
 * {@code address-validation: always} the client's first Initial is answered with a Retry, the client comes back
 * with the token and gets its answer; with the default (off) no Retry is sent; with {@code auto} only the
 * handshakes above its rate per second get one. Forged, expired and
 * other-address tokens are refused in {@code RetryTokensTest}: the Debian gtlsclient cannot send a chosen token
 * ({@code --token-file} reports "Could not read token" even for a file it wrote itself).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AddressValidationIT {

  private static QuicConfig withValidation(String mode) {
    return withValidation(mode, 1000);
  }

  private static QuicConfig withValidation(String mode, long autoAbove) {
    return QuicConfig.defaults().withAddressValidation(
        new AddressValidationConfig(mode, autoAbove, Duration.ofSeconds(30)));
  }

  @Test
  void alwaysSendsARetryThatTheClientAnswersWithItsToken() throws Exception {
    Path work = WorkDirs.create("address-validation");
    try (BuiltinOrigin origin = BuiltinOrigin.builder().build().start();
         FerryRelay relay = FerryRelay.builder(work.resolve("state"))
             .origin(FerryRelay.h1("builtin", origin.address())).quic(withValidation("always")).start()) {
      String url = "https://localhost:" + relay.port() + "/";
      GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relay.port()).timeout(Duration.ofSeconds(30))
          .fetch(work.resolve("retry"), url);
      assertEquals(0, result.exitCode(), result.stderr());
      assertEquals(200, result.status(0).orElse(-1));
      assertTrue(retriesReceived(result.stderrLog()) >= 1, "gtlsclient must have received a Retry");
    }
  }

  @Test
  void autoSendsRetryOnlyOnceHandshakesComeFasterThanItsRate() throws Exception {
    Path work = WorkDirs.create("address-validation-auto");
    try (BuiltinOrigin origin = BuiltinOrigin.builder().build().start();
         FerryRelay relay = FerryRelay.builder(work.resolve("state"))
             .origin(FerryRelay.h1("builtin", origin.address())).quic(withValidation("auto", 1)).start()) {
      String url = "https://localhost:" + relay.port() + "/";
      // Handshakes are counted per second: wait for a fresh second so that the first one is alone in it.
      Thread.sleep(1_000 - System.currentTimeMillis() % 1_000 + 50);
      long[] retries = new long[4];
      for (int i = 0; i < retries.length; i++) {
        GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relay.port()).timeout(Duration.ofSeconds(30))
            .fetch(work.resolve("run-" + i), url);
        assertEquals(200, result.status(0).orElse(-1), result.stderr());
        retries[i] = retriesReceived(result.stderrLog());
      }
      assertEquals(0, retries[0], "the first handshake of the second is within the rate: no Retry");
      assertTrue(java.util.Arrays.stream(retries).skip(1).anyMatch(n -> n >= 1),
          "handshakes above 1 per second must get a Retry: " + java.util.Arrays.toString(retries));
    }
  }

  @Test
  void offSendsNoRetry() throws Exception {
    Path work = WorkDirs.create("address-validation-off");
    try (BuiltinOrigin origin = BuiltinOrigin.builder().build().start();
         FerryRelay relay = FerryRelay.builder(work.resolve("state"))
             .origin(FerryRelay.h1("builtin", origin.address())).start()) {
      GtlsClient.Result result = GtlsClient.connect("127.0.0.1", relay.port()).timeout(Duration.ofSeconds(30))
          .fetch(work.resolve("no-retry"), "https://localhost:" + relay.port() + "/");
      assertEquals(200, result.status(0).orElse(-1), result.stderr());
      assertEquals(0, retriesReceived(result.stderrLog()));
    }
  }

  /** Retry packets in gtlsclient's log ({@code pkt rx ... type=Retry}). */
  private static long retriesReceived(Path stderrLog) throws java.io.IOException {
    try (Stream<String> lines = Files.lines(stderrLog, java.nio.charset.StandardCharsets.ISO_8859_1)) {
      return lines.filter(l -> l.contains("pkt rx") && l.contains("type=Retry")).count();
    }
  }
}
