package dev.ferry.interop.hostile;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.ExchangeTimeoutsConfig;
import dev.ferry.interop.raw.RawHttp3Client;
import dev.ferry.interop.raw.RawHttp3Connection;
import dev.ferry.interop.raw.RawOutcome;
import dev.ferry.interop.raw.RawRequest;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.NghttpdOrigin;
import dev.ferry.interop.support.WorkDirs;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How the relay paces the request side of an exchange: the deadline on a request's head, and the 100 (Continue)
 * handshake a client may make before it sends a body.
 *
 * <p>Request head deadline ({@code timeouts.request-head}, 500 ms here). A client that opens a request stream and
 * then stalls inside its header section holds a stream, and the relay's memory for the frame it announced, for as
 * long as it likes unless the relay bounds that; an HTTP/1.1 server would answer 408 (RFC 9110 15.5.9), and RFC 9114
 * leaves the bound to the server. The stalled stream here writes only the first three bytes of a HEADERS frame
 * (type 0x01 and a payload length of 100) and no FIN, below any codec, so that nothing on the client's side could
 * finish the frame. The relay must answer that one stream 408 with {@code Proxy-Status: ...; error=http_request_error}
 * (RFC 9209), at the deadline (not before 400 ms, not after 1.5 s), without involving the origin, and the QUIC
 * connection must then serve the next request. Controls show what the deadline must not catch: the same kind of
 * hand-made head written whole, or in two pieces 250 ms apart, is served; and a body that comes after the deadline
 * is forwarded, since the deadline covers the head alone.
 *
 * <p>Expect: 100-continue (RFC 9110 10.1.1). A client that announces a body with {@code expect: 100-continue} may
 * hold the body back until the origin says it wants it; a relay that forwards the field must forward the origin's
 * 100 as an interim response (RFC 9110 15.2, RFC 9114 4.1) as soon as it comes, or the client waits for nothing.
 * Here the client sends the head without the body and waits up to 2 s for the 100, and only then sends the body and
 * its FIN; the final 200 must prove the origin got the body whole. That is done through an HTTP/1.1 origin
 * ({@link ContinueHttp1Origin}, which writes {@code 100 Continue} as soon as it has the head and answers with the
 * body's SHA-256) and through an HTTP/2 one (nghttpd over h2c, which sends a {@code :status 100} HEADERS frame for
 * such a request on its own and echoes the body).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExchangeDeadlinesIT {
  private static final String AUTHORITY = "ferry.test";
  private static final Duration REQUEST_HEAD = Duration.ofMillis(500);
  /** A 408 before this has not waited for the deadline. */
  private static final Duration EARLIEST_408 = Duration.ofMillis(400);
  /** A 408 after this came from something slower than the deadline. */
  private static final Duration LATEST_408 = REQUEST_HEAD.plusSeconds(1);
  private static final Duration INTERIM_WAIT = Duration.ofSeconds(2);
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(5);
  /** The first three bytes of a HEADERS frame announcing 100 bytes of payload, and nothing of the payload. */
  private static final byte[] STALLED_HEAD = {0x01, 0x40, 0x64};
  /** Prefix of the paths the relay routes to nghttpd; everything else goes to the HTTP/1.1 origin. */
  private static final String H2_PREFIX = "/h2";
  private static final int UPLOAD_SIZE = 256 * 1024;

  private static final SummaryTable SUMMARY = new SummaryTable("ExchangeDeadlinesIT: case, answer, elapsed ms, result");

  private static ContinueHttp1Origin origin;
  private static NghttpdOrigin nghttpd;
  private static FerryRelay relay;
  private static RawHttp3Client client;

  @BeforeAll
  static void start() throws Exception {
    Path work = WorkDirs.create("exchange-deadlines");
    origin = ContinueHttp1Origin.start();
    nghttpd = NghttpdOrigin.start(work.resolve("nghttpd"), false, null);
    relay = FerryRelay.builder(work.resolve("relay"))
        .origin(FerryRelay.h1("continue", origin.address()))
        .origin(FerryRelay.h2c("nghttpd", new InetSocketAddress("127.0.0.1", nghttpd.port())))
        .route("*", H2_PREFIX, "nghttpd")
        .route("*", "/", "continue")
        .timeouts(new ExchangeTimeoutsConfig(REQUEST_HEAD, Duration.ofSeconds(30)))
        .start();
    client = new RawHttp3Client();
    warmUp();
  }

  /**
   * One exchange with each origin before the cases, so that class loading, the first handshake and the first origin
   * connections do not count against their timings.
   */
  private static void warmUp() throws Exception {
    try (RawHttp3Connection connection = client.connect(relay.address())) {
      connection.send(get("/warm-up")).get(10, TimeUnit.SECONDS);
      connection.send(get(H2_PREFIX + "/warm-up")).get(10, TimeUnit.SECONDS);
    }
    origin.clear();
  }

  @AfterAll
  static void stop() {
    SUMMARY.print(System.out);
    try (AutoCloseable o = origin; AutoCloseable n = nghttpd; AutoCloseable r = relay; AutoCloseable c = client) {
      // closed in reverse order: client, relay, nghttpd, origin
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- request head deadline --------------------------------------------------------------------------------

  @Test
  void answersAStreamStalledInsideItsHeadWith408AtTheDeadlineAndKeepsTheConnection() throws Throwable {
    String name = "stalled after 3 bytes of HEADERS";
    try (RawHttp3Connection connection = client.connect(relay.address());
         SteppedRequestStream stream = SteppedRequestStream.open(connection)) {
      origin.clear();
      stream.writeBytes(STALLED_HEAD).sync();
      long written = System.nanoTime();
      RawOutcome outcome = stream.awaitOutcome(ANSWER_WAIT.toMillis());
      TimedOutcome answer = timed(outcome, written, stream.finalHeadArrivedAt());
      SUMMARY.run(name, answer, () -> assertAll(name,
          () -> assertTrue(outcome != null && outcome.isResponse(408),
              () -> "expected a complete 408, got " + answer + "\naccess log " + relay.accessLog()),
          () -> assertTrue(outcome != null && String.valueOf(outcome.header("proxy-status"))
                  .contains("error=http_request_error"),
              () -> "Proxy-Status of the 408: " + (outcome == null ? null : outcome.header("proxy-status"))),
          () -> assertTrue(answer.answered() && answer.elapsed().compareTo(EARLIEST_408) >= 0
                  && answer.elapsed().compareTo(LATEST_408) <= 0,
              () -> "the 408 came " + answer.millis() + " ms after the bytes were written; the deadline is "
                  + REQUEST_HEAD.toMillis() + " ms, so between " + EARLIEST_408.toMillis() + " and "
                  + LATEST_408.toMillis() + " ms was expected"),
          () -> assertTrue(origin.requests().isEmpty(),
              () -> "a stream without a request head reached the origin: " + origin.requests()),
          () -> followUpSucceeds(connection)));
    }
  }

  /** Hand-made heads complete within the deadline: whole in one write, or split after the frame's first bytes. */
  static Stream<Arguments> headsCompleteWithinTheDeadline() {
    return Stream.of(
        Arguments.of("hand-made head in one write", 0),
        Arguments.of("hand-made head in two writes 250 ms apart", 250));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("headsCompleteWithinTheDeadline")
  void servesAHeadThatIsCompleteWithinTheDeadline(String name, int pauseMillis) throws Throwable {
    String path = "/head-in-time-" + pauseMillis;
    byte[] frame = LiteralHeadersFrame.of(RawRequest.standard("GET", AUTHORITY, path).build().fields());
    try (RawHttp3Connection connection = client.connect(relay.address());
         SteppedRequestStream stream = SteppedRequestStream.open(connection)) {
      origin.clear();
      long first = System.nanoTime();
      if (pauseMillis > 0) {
        stream.writeBytes(Arrays.copyOf(frame, LiteralHeadersFrame.PREFIX_LENGTH)).sync();
        Thread.sleep(pauseMillis);
        stream.writeBytes(Arrays.copyOfRange(frame, LiteralHeadersFrame.PREFIX_LENGTH, frame.length)).sync();
      } else {
        stream.writeBytes(frame).sync();
      }
      stream.finish();
      RawOutcome outcome = stream.awaitOutcome(ANSWER_WAIT.toMillis());
      TimedOutcome answer = timed(outcome, first, stream.finalHeadArrivedAt());
      SUMMARY.run(name, answer, () -> assertAll(name,
          () -> assertTrue(outcome != null && outcome.isResponse(200) && outcome.bodyText().equals("ok"),
              () -> "expected the origin's 200 \"ok\", got " + answer + "\naccess log " + relay.accessLog()),
          () -> assertTrue(origin.requests().stream().anyMatch(s -> s.request().target().equals(path)),
              () -> "the origin did not get GET " + path + ": " + origin.requests()),
          () -> {
            // Past the deadline of the first write: a timer left running must not touch the connection now.
            Thread.sleep(Math.max(0, REQUEST_HEAD.toMillis() + 200 - elapsedMillis(first)));
            followUpSucceeds(connection);
          }));
    }
  }

  @Test
  void forwardsABodyThatComesAfterTheHeadDeadline() throws Throwable {
    String name = "body 800 ms after a complete head";
    byte[] body = upload(1);
    try (RawHttp3Connection connection = client.connect(relay.address());
         SteppedRequestStream stream = SteppedRequestStream.open(connection)) {
      origin.clear();
      long start = System.nanoTime();
      stream.writeHeaders(post("/late-body", body.length, false)).sync();
      Thread.sleep(REQUEST_HEAD.toMillis() + 300);
      stream.writeData(body, true).sync();
      RawOutcome outcome = stream.awaitOutcome(ANSWER_WAIT.toMillis());
      TimedOutcome answer = timed(outcome, start, stream.finalHeadArrivedAt());
      SUMMARY.run(name, answer, () -> assertAll(name,
          () -> assertTrue(outcome != null && outcome.isResponse(200),
              () -> "expected 200, got " + answer + "\naccess log " + relay.accessLog()),
          () -> assertEquals(Hashes.sha256(body), outcome == null ? null : outcome.bodyText(),
              "the origin's SHA-256 of the body it received")));
    }
  }

  // ---- Expect: 100-continue ---------------------------------------------------------------------------------

  @Test
  void forwardsTheHttp1OriginsContinueSoTheClientCanSendItsBody() throws Throwable {
    byte[] body = upload(2);
    expectContinue("Expect 100-continue via an HTTP/1.1 origin", "/upload", body,
        RawOutcome::bodyText, () -> {
          List<ContinueHttp1Origin.Seen> seen = origin.requests();
          assertTrue(seen.size() == 1 && seen.get(0).continueSent() && seen.get(0).request().complete()
                  && Hashes.sha256(seen.get(0).request().body()).equals(Hashes.sha256(body)),
              () -> "the origin should have one complete request it sent 100 for, with the whole body: " + seen);
        });
  }

  @Test
  void forwardsTheHttp2OriginsContinueSoTheClientCanSendItsBody() throws Throwable {
    byte[] body = upload(3);
    expectContinue("Expect 100-continue via an HTTP/2 origin (nghttpd)", H2_PREFIX + "/upload", body,
        outcome -> Hashes.sha256(outcome.body()), () -> { });
  }

  /** What else a case checks once the exchange is over. */
  @FunctionalInterface
  interface Check {
    void check() throws Throwable;
  }

  /**
   * Sends the head of a POST with {@code expect: 100-continue} and no body, waits for the interim 100, then sends
   * the body and the FIN (also when no 100 came, so that the failure shows what the final answer was), and checks
   * that the interim response came before the body was sent, that the final one is 200, and that
   * {@code bodyHash} of it, the origin's account of what it received, is the body's SHA-256.
   */
  private static void expectContinue(String name, String path, byte[] body, Function<RawOutcome, String> bodyHash,
                                     Check originCheck) throws Throwable {
    String expectedHash = Hashes.sha256(body);
    try (RawHttp3Connection connection = client.connect(relay.address());
         SteppedRequestStream stream = SteppedRequestStream.open(connection)) {
      origin.clear();
      long start = System.nanoTime();
      stream.writeHeaders(post(path, body.length, true)).sync();
      int interim = stream.awaitInterim(INTERIM_WAIT.toMillis());
      long interimMillis = interim < 0 ? -1 : (stream.interimArrivedAt() - start) / 1_000_000;
      boolean finalBeforeBody = stream.finalHeadArrivedAt() != 0;
      stream.writeData(body, true);
      RawOutcome outcome = stream.awaitOutcome(ANSWER_WAIT.toMillis());
      TimedOutcome answer = timed(outcome, start, stream.finalHeadArrivedAt());
      SUMMARY.run(name, answer, () -> interim < 0 ? "no interim 100" : "100 after " + interimMillis + " ms",
          () -> assertAll(name,
              () -> assertEquals(100, interim, () -> "no interim 100 within " + INTERIM_WAIT.toMillis()
                  + " ms of the head" + (finalBeforeBody ? "; the final answer came first" : "")
                  + "; in the end: " + answer + "\naccess log " + relay.accessLog()),
              () -> assertTrue(outcome != null && outcome.isResponse(200),
                  () -> "expected 200, got " + answer + "\naccess log " + relay.accessLog()),
              () -> assertEquals(expectedHash, outcome == null ? null : bodyHash.apply(outcome),
                  "SHA-256 of the body as the origin received it"),
              originCheck::check));
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  private static void followUpSucceeds(RawHttp3Connection connection) throws InterruptedException {
    TimedOutcome next = TimedOutcome.of(() -> connection.send(get("/after")), ANSWER_WAIT);
    assertTrue(next.answered() && next.outcome().isResponse(200) && next.outcome().bodyText().equals("ok"),
        () -> "the GET after it on the same QUIC connection got " + next
            + (connection.isActive() ? "" : " (the QUIC connection is closed)"));
  }

  /** The outcome, timed from {@code since} to the arrival of its final head. */
  private static TimedOutcome timed(RawOutcome outcome, long since, long finalHeadAt) {
    if (outcome == null) {
      return new TimedOutcome(null, ANSWER_WAIT, "no answer within " + ANSWER_WAIT.toMillis() + " ms");
    }
    long end = finalHeadAt != 0 ? finalHeadAt : System.nanoTime();
    return new TimedOutcome(outcome, Duration.ofNanos(end - since), null);
  }

  private static long elapsedMillis(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static RawRequest get(String path) {
    return RawRequest.standard("GET", AUTHORITY, path).build();
  }

  private static List<RawRequest.Field> post(String path, int contentLength, boolean expectContinue) {
    RawRequest.Builder request = RawRequest.standard("POST", AUTHORITY, path)
        .field("content-type", "application/octet-stream")
        .field("content-length", Integer.toString(contentLength));
    if (expectContinue) {
      request.field("expect", "100-continue");
    }
    return request.build().fields();
  }

  /** Random bytes from a fixed seed, so that a failing run can be repeated byte for byte. */
  private static byte[] upload(long seed) {
    byte[] body = new byte[UPLOAD_SIZE];
    new Random(seed).nextBytes(body);
    return body;
  }
}
