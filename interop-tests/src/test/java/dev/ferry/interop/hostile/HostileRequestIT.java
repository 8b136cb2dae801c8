package dev.ferry.interop.hostile;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.raw.RawHttp3Connection;
import dev.ferry.interop.raw.RawRequest;
import dev.ferry.interop.relay.FerryRelay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests that try to make the relay lie to its HTTP/1.1 origin: a Content-Length the origin would read
 * differently from the relay (RFC 9110 8.6 allows only one decimal number; RFC 9112 6.3 makes anything else a framing
 * error, the root of request smuggling), a body that contradicts its declared length (RFC 9114 4.1.2), an authority
 * that is not a valid host and port (RFC 9110 7.2, RFC 3986 3.2), client-address fields a client could forge to
 * pass as someone else (RFC 9110 7.6, RFC 7239), credentials meant for the proxy alone (RFC 9110 11.7), and field
 * sections near and far beyond the size a browser sends (RFC 9114 4.2.2).
 *
 * <p>The origin is {@link RecordingHttp1Origin}, so what counts is the bytes that reached it, framed by RFC 9112 6.3
 * and not by any library that might repair them. Each case checks that the relay gave the expected answer within one
 * second (a refusal that waits for a timeout still ties up the stream and the origin connection), that a refused
 * request never reached the origin whole, that forged values never reached it at all, and that a valid GET on the
 * same QUIC connection afterwards still gets its 200: a hostile request may cost its own stream, never the
 * connection other requests share.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileRequestIT {
  private static final String AUTHORITY = "ferry.test";
  private static final String BODY = "hello";
  private static final String FORGED_ADDRESS = "203.0.113.66";
  private static final Duration ANSWER_LIMIT = Duration.ofSeconds(1);
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMillis(300);

  private static final SummaryTable SUMMARY = new SummaryTable("HostileRequestIT: case, answer, elapsed ms, result");

  private static RawClientThroughRelay<RecordingHttp1Origin> relayed;

  /** What a case requires of the requests the origin recorded, given the relay's answer. */
  @FunctionalInterface
  interface OriginCheck {
    void check(TimedOutcome answer, List<ReceivedRequest> seen);
  }

  @BeforeAll
  static void start() throws Exception {
    RecordingHttp1Origin origin = RecordingHttp1Origin.start();
    relayed = RawClientThroughRelay.start("hostile-requests", origin, FerryRelay.h1("recording", origin.address()));
    warmUp();
  }

  /** One valid exchange before the cases, so that class loading and the first handshake do not count against them. */
  private static void warmUp() throws Exception {
    try (RawHttp3Connection connection = relayed.connect()) {
      connection.send(get("/warm-up").build()).get(10, TimeUnit.SECONDS);
    }
    relayed.origin().clear();
  }

  @AfterAll
  static void stop() throws Exception {
    SUMMARY.print(System.out);
    if (relayed != null) {
      relayed.close();
    }
  }

  // ---- cases ------------------------------------------------------------------------------------------------

  /**
   * Valid requests, so that the checks of the other cases cannot pass for want of an origin that sees anything: a
   * body reaches the origin whole, with or without a content-length, and an ordinary end-to-end field (RFC 9110 7.6)
   * that happens to carry the same address as the forged ones is passed on.
   */
  static Stream<Arguments> validRequests() {
    return Stream.of(
        Arguments.of("valid upload with content-length 5", post("/upload").field("content-length", "5").data(BODY)
            .build(), (OriginCheck) (answer, seen) -> oneCompleteRequestWithBody(seen, BODY)),
        Arguments.of("valid upload without content-length", post("/upload").data(BODY).build(),
            (OriginCheck) (answer, seen) -> oneCompleteRequestWithBody(seen, BODY)),
        Arguments.of("ordinary field carrying an address", get("/note").field("x-note", FORGED_ADDRESS).build(),
            (OriginCheck) (answer, seen) -> assertTrue(seen.stream().anyMatch(
                r -> r.values("x-note").equals(List.of(FORGED_ADDRESS))),
                () -> "the origin did not receive x-note: " + seen)));
  }

  /** RFC 9110 8.6: Content-Length = 1*DIGIT; each of these is read as 5, as something else or as nothing by someone. */
  static Stream<Arguments> contentLengthsThatAreNotOnePlainDecimal() {
    return Stream.of(
        upload("content-length with a plus sign", "+5"),
        upload("negative content-length", "-1"),
        upload("hexadecimal content-length", "0x10"),
        upload("content-length with a decimal point", "1.0"),
        upload("content-length in exponent notation", "1e3"),
        upload("content-length with a leading space", " 5"),
        upload("content-length with a trailing space", "5 "),
        upload("content-length with a leading tab", "\t5"),
        upload("content-length with a trailing tab", "5\t"),
        upload("empty content-length", ""),
        upload("content-length with a NUL after the digits", "5\0"),
        upload("content-length of 25 digits", "1" + "0".repeat(24)),
        upload("content-length listing two different values", "5, 6"),
        Arguments.of("two content-length fields with different values", post("/upload")
            .field("content-length", "5").field("content-length", "6").data(BODY).build()));
  }

  /** RFC 9114 4.1.2: a request whose DATA does not add up to its content-length is malformed. */
  static Stream<Arguments> bodiesThatContradictTheirContentLength() {
    return Stream.of(
        Arguments.of("content-length 0 followed by a DATA frame", post("/upload")
            .field("content-length", "0").data(BODY).build()),
        Arguments.of("content-length larger than the DATA sent before the FIN", post("/upload")
            .field("content-length", "10").data(BODY).build()),
        Arguments.of("content-length smaller than the DATA sent", post("/upload")
            .field("content-length", "3").data(BODY).build()));
  }

  /**
   * RFC 9110 7.2 and RFC 3986 3.2.2-3.2.3: a port is at most 65535 and digits only, a host has no space, no userinfo
   * (RFC 9114 4.3.1 forbids it for https) and balanced brackets. RFC 3986 allows an empty port, so "ferry.test:" may
   * be served or refused. Each value is sent once as :authority and once as Host without :authority.
   */
  static Stream<Arguments> authoritiesThatAreNotAHostAndPort() {
    record Bad(String what, String value, ExpectedAnswer expected) {}
    return Stream.of(
        new Bad("a port above 65535", "ferry.test:99999", ExpectedAnswer.REFUSED),
        new Bad("port 65536", "ferry.test:65536", ExpectedAnswer.REFUSED),
        new Bad("a negative port", "ferry.test:-1", ExpectedAnswer.REFUSED),
        new Bad("a letter in the port", "ferry.test:8a", ExpectedAnswer.REFUSED),
        new Bad("an empty port", "ferry.test:", ExpectedAnswer.SERVED_OR_REFUSED),
        new Bad("a space in the host", "ho st", ExpectedAnswer.REFUSED),
        new Bad("userinfo before the host", "a@b", ExpectedAnswer.REFUSED),
        new Bad("an unclosed IPv6 bracket", "[::1", ExpectedAnswer.REFUSED))
        .flatMap(bad -> Stream.of(
            Arguments.of(":authority with " + bad.what() + " (" + bad.value() + ")",
                RawRequest.standard("GET", bad.value(), "/").build(), bad.expected()),
            Arguments.of("Host with " + bad.what() + " (" + bad.value() + ")", RawRequest.builder()
                .field(":method", "GET").field(":scheme", "https").field(":path", "/")
                .field("host", bad.value()).build(), bad.expected())));
  }

  /**
   * RFC 9110 7.6 and RFC 7239 section 8: under {@code forwarding: replace} the origin must learn the client's address
   * from the relay only, so every field an origin might take a client address from is dropped, not passed on.
   */
  static Stream<Arguments> forgedClientIdentityFields() {
    return Stream.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port",
            "X-Real-IP", "True-Client-IP", "CF-Connecting-IP", "X-Client-IP", "X-Cluster-Client-IP",
            "Fastly-Client-IP", "Client-IP", "X-Original-Forwarded-For")
        .map(name -> Arguments.of(name + " sent by the client", get("/identity")
            .field(name.toLowerCase(Locale.ROOT),
                name.equals("Forwarded") ? "for=" + FORGED_ADDRESS : FORGED_ADDRESS)
            .build()));
  }

  /** RFC 9110 11.7.2: Proxy-Authorization is for the proxy it reaches first and must not travel further. */
  static Stream<Arguments> proxyCredentials() {
    return Stream.of(
        Arguments.of("Proxy-Authorization Basic", "Basic Zm9vOmJhcg=="),
        Arguments.of("Proxy-Authorization Bearer", "Bearer aG9zdGlsZS10b2tlbg"));
  }

  /**
   * RFC 9114 4.2.2: a server may limit the field section and answer 431 beyond it. Browsers send cookie sections of
   * 20 KiB, in one field line or as crumbs (RFC 9114 4.2.1, which also requires the crumbs joined with "; " toward
   * HTTP/1.1); the relay should take up to 64 KiB. A 100 KiB section may be refused, but as that request only.
   */
  static Stream<Arguments> fieldSections() {
    List<String> crumbs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      crumbs.add("c" + i + "=" + token(1000, i));
    }
    RawRequest.Builder crumbed = get("/cookies");
    crumbs.forEach(crumb -> crumbed.field("cookie", crumb));
    RawRequest.Builder huge = get("/huge");
    for (int i = 0; i < 100; i++) {
      huge.field("x-padding-" + i, token(1000, 100 + i));
    }
    OriginCheck cookiesJoined = (answer, seen) -> oneCompleteRequestWithCookie(seen, String.join("; ", crumbs));
    return Stream.of(
        Arguments.of("20 KiB of cookies in one field line", get("/cookies")
            .field("cookie", String.join("; ", crumbs)).build(), ExpectedAnswer.SERVED, cookiesJoined),
        Arguments.of("20 KiB of cookies as 20 crumbs", crumbed.build(), ExpectedAnswer.SERVED, cookiesJoined),
        Arguments.of("100 KiB field section", huge.build(), ExpectedAnswer.TOO_LARGE,
            (OriginCheck) HostileRequestIT::noCompleteRequest));
  }

  // ---- tests ------------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("validRequests")
  void forwardsValidRequestsWhole(String name, RawRequest request, OriginCheck originCheck) throws Throwable {
    exchange(name, request, ExpectedAnswer.SERVED, originCheck);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contentLengthsThatAreNotOnePlainDecimal")
  void refusesAContentLengthThatIsNotOnePlainDecimalNumber(String name, RawRequest request) throws Throwable {
    exchange(name, request, ExpectedAnswer.REFUSED, HostileRequestIT::noCompleteRequest);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodiesThatContradictTheirContentLength")
  void refusesABodyThatContradictsItsContentLength(String name, RawRequest request) throws Throwable {
    exchange(name, request, ExpectedAnswer.REFUSED, HostileRequestIT::noCompleteRequest);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("authoritiesThatAreNotAHostAndPort")
  void refusesAnAuthorityThatIsNotAHostAndPort(String name, RawRequest request, ExpectedAnswer expected)
      throws Throwable {
    exchange(name, request, expected, (answer, seen) -> {
      if (!ExpectedAnswer.SERVED.accepts(answer.outcome())) {
        noCompleteRequest(answer, seen);
      }
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forgedClientIdentityFields")
  void replacesForgedClientIdentityFields(String name, RawRequest request) throws Throwable {
    exchange(name, request, ExpectedAnswer.SERVED, (answer, seen) -> nothingCarries(seen, FORGED_ADDRESS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("proxyCredentials")
  void neverPassesProxyCredentialsToTheOrigin(String name, String credentials) throws Throwable {
    RawRequest request = get("/credentials").field("proxy-authorization", credentials).build();
    exchange(name, request, ExpectedAnswer.SERVED, (answer, seen) -> {
      nothingCarries(seen, credentials.substring(credentials.indexOf(' ') + 1));
      seen.forEach(r -> assertTrue(r.values("proxy-authorization").isEmpty(),
          () -> "the origin received Proxy-Authorization: " + r));
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fieldSections")
  void takesBrowserSizedFieldSectionsAndRefusesHugeOnesPerStream(String name, RawRequest request,
                                                                 ExpectedAnswer expected, OriginCheck originCheck)
      throws Throwable {
    exchange(name, request, expected, originCheck);
  }

  // ---- one exchange -----------------------------------------------------------------------------------------

  /**
   * Sends the request on a new QUIC connection, then checks the answer and its timing, what the origin recorded
   * (after a pause, so that anything the relay forwards late is there too) and a valid GET on the same connection.
   * Every check runs and is reported even when an earlier one fails.
   */
  private static void exchange(String name, RawRequest request, ExpectedAnswer expected, OriginCheck originCheck)
      throws Throwable {
    try (RawHttp3Connection connection = relayed.connect()) {
      relayed.origin().clear();
      TimedOutcome answer = TimedOutcome.of(() -> connection.send(request), ANSWER_WAIT);
      SUMMARY.run(name, answer, () -> assertAll(name,
          () -> assertTrue(answer.answered() && expected.accepts(answer.outcome()),
              () -> "expected " + expected.description() + ", got " + answer + "\nrequest " + request.fields()
                  + "\naccess log " + relayed.relay().accessLog()),
          () -> assertTrue(answer.within(ANSWER_LIMIT),
              () -> "answered after " + answer.millis() + " ms, limit " + ANSWER_LIMIT.toMillis() + " ms"),
          () -> {
            Thread.sleep(QUIET.toMillis());
            if (answer.answered()) {
              originCheck.check(answer, relayed.origin().requests());
            }
          },
          () -> followUpSucceeds(connection)));
    }
  }

  private static void followUpSucceeds(RawHttp3Connection connection) throws InterruptedException {
    TimedOutcome next = TimedOutcome.of(() -> connection.send(get("/after").build()), ANSWER_WAIT);
    assertTrue(next.answered() && next.outcome().isResponse(200) && next.outcome().bodyText().equals("ok"),
        () -> "the valid GET after it on the same QUIC connection got " + next
            + (connection.isActive() ? "" : " (the QUIC connection is closed)"));
  }

  // ---- origin checks ----------------------------------------------------------------------------------------

  private static void noCompleteRequest(TimedOutcome answer, List<ReceivedRequest> seen) {
    List<ReceivedRequest> complete = seen.stream().filter(ReceivedRequest::complete).toList();
    assertTrue(complete.isEmpty(), () -> "the origin framed " + complete.size() + " complete request(s): "
        + complete + "\nbytes received per origin connection: " + receivedBytes());
  }

  private static String receivedBytes() {
    StringBuilder text = new StringBuilder();
    relayed.origin().receivedBytes().forEach((connection, bytes) -> text.append("\n#").append(connection)
        .append(": ").append(new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n")));
    return text.toString();
  }

  private static void nothingCarries(List<ReceivedRequest> seen, String text) {
    assertFalse(seen.isEmpty(), "the origin received no request");
    for (ReceivedRequest request : seen) {
      assertFalse(request.headText().contains(text),
          () -> "the origin received " + text + " in " + request.fieldsContaining(text));
    }
  }

  private static void oneCompleteRequestWithBody(List<ReceivedRequest> seen, String body) {
    List<ReceivedRequest> complete = seen.stream().filter(ReceivedRequest::complete).toList();
    assertTrue(complete.size() == 1 && new String(complete.get(0).body(), StandardCharsets.ISO_8859_1).equals(body),
        () -> "the origin should frame one complete request with the body \"" + body + "\", got " + seen);
  }

  private static void oneCompleteRequestWithCookie(List<ReceivedRequest> seen, String cookie) {
    assertEquals(1, seen.stream().filter(ReceivedRequest::complete).count(),
        () -> "complete requests at the origin: " + seen.size() + " heads");
    List<String> cookies = seen.stream().filter(ReceivedRequest::complete).findFirst().orElseThrow()
        .values("cookie");
    assertTrue(cookies.size() == 1 && cookies.get(0).equals(cookie),
        () -> "the origin should get the cookies as one field line joined with \"; \" (RFC 9114 4.2.1), got "
            + cookies.size() + " line(s) of " + cookies.stream().map(String::length).toList() + " bytes");
  }

  // ---- requests ---------------------------------------------------------------------------------------------

  private static Arguments upload(String name, String contentLength) {
    return Arguments.of(name, post("/upload").field("content-length", contentLength).data(BODY).build());
  }

  private static RawRequest.Builder get(String path) {
    return RawRequest.standard("GET", AUTHORITY, path);
  }

  private static RawRequest.Builder post(String path) {
    return RawRequest.standard("POST", AUTHORITY, path);
  }

  /** Letters and digits from a fixed seed: cookie-like, and not much smaller after Huffman coding. */
  private static String token(int length, long seed) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    Random random = new Random(seed);
    StringBuilder token = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      token.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return token.toString();
  }
}
