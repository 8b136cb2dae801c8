package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.RecordedRequest;
import dev.ferry.interop.hostile.RawClientThroughRelay;
import dev.ferry.interop.raw.RawHttp3Connection;
import dev.ferry.interop.raw.RawOutcome;
import dev.ferry.interop.raw.RawRequest;
import dev.ferry.interop.relay.FerryRelay;
import io.netty.handler.codec.http3.Http3ErrorCode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed HTTP/3 requests (RFC 9114 4.1.2, 4.2 and 4.3) never reach the origin and cost the client only the one
 * stream. Each request is sent by a raw client on Netty's codec that skips every client-side check, so the relay
 * really receives it. For each case the test proves three things: the relay resets the stream with H3_MESSAGE_ERROR
 * (or answers 400), the built-in origin behind it records no request, and the same QUIC connection then gets a 200
 * for a valid request.
 *
 * <p>The content-length cases differ in one respect: the mismatch shows only once DATA (or the FIN) arrives, and
 * the relay streams, so it may already have passed the request head on. For them the test requires that the origin
 * never receives a complete request, i.e. that every request it recorded ended without its body; a relay that
 * forwarded the body and its end would fail. The case whose first DATA frame carries exactly the declared length
 * checks that the relay holds the last bytes until the FIN shows that nothing more follows.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MalformedRequestIT {
  private static final String AUTHORITY = "ferry.test";
  private static final Duration QUIET = Duration.ofMillis(300);

  private static RawClientThroughRelay<BuiltinOrigin> relayed;

  @BeforeAll
  static void start() throws Exception {
    BuiltinOrigin origin = BuiltinOrigin.builder().build().start();
    relayed = RawClientThroughRelay.start("malformed", origin, FerryRelay.h1("builtin", origin.address()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (relayed != null) {
      relayed.close();
    }
  }

  static Stream<Arguments> malformedRequests() {
    return Stream.of(
        malformed("upper-case field name", get("/headers").field("X-Upper", "1")),
        malformed("pseudo-header field after a regular field", RawRequest.builder()
            .field(":method", "GET").field(":scheme", "https").field(":authority", AUTHORITY)
            .field("accept", "*/*").field(":path", "/headers")),
        malformed("unknown pseudo-header field", get("/headers").field(":foo", "bar")),
        malformed("missing :method", get("/headers").without(":method")),
        malformed("missing :path", get("/headers").without(":path")),
        malformed("duplicated :path", RawRequest.builder()
            .field(":method", "GET").field(":scheme", "https").field(":authority", AUTHORITY)
            .field(":path", "/headers").field(":path", "/bytes/10")),
        malformed("CR in a field value", get("/headers").field("x-a", "a\rb")),
        malformed("LF in a field value", get("/headers").field("x-a", "a\nx-injected: 1")),
        malformed("NUL in a field value", get("/headers").field("x-a", "a\0b")),
        malformed("connection: keep-alive", get("/headers").field("connection", "keep-alive")),
        malformed("transfer-encoding: chunked", post("/sink").field("transfer-encoding", "chunked")
            .data("5\r\nhello\r\n0\r\n\r\n")),
        malformed("te: gzip", get("/headers").field("te", "gzip")),
        malformed("content-length larger than the DATA sent", post("/sink").field("content-length", "100")
            .data("0123456789")),
        malformed("content-length smaller than the DATA sent", post("/sink").field("content-length", "5")
            .data("0123456789")),
        malformed("content-length smaller than the DATA sent, first DATA frame exactly that long",
            post("/sink").field("content-length", "5").data("01234").data("56789")),
        malformed(":protocol without CONNECT", get("/headers").field(":protocol", "websocket")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedRequests")
  void rejectsMalformedRequestWithoutForwardingItAndKeepsTheConnectionUsable(String name, RawRequest request)
      throws Exception {
    BuiltinOrigin origin = relayed.origin();
    try (RawHttp3Connection connection = relayed.connect()) {
      origin.clearRecords();

      RawOutcome outcome = connection.send(request).get(10, TimeUnit.SECONDS);

      boolean messageError = outcome.isReset() && outcome.resetCode() == Http3ErrorCode.H3_MESSAGE_ERROR.code();
      assertTrue(messageError || outcome.isResponse(400),
          () -> name + ": expected a reset with H3_MESSAGE_ERROR (0x10e) or a 400, got " + outcome + "; request "
              + request.fields() + "; access log " + relayed.relay().accessLog());
      Thread.sleep(QUIET.toMillis());
      if (name.startsWith("content-length")) {
        for (RecordedRequest seen : origin.requests()) {
          if (seen.bodyComplete()) {
            fail(name + ": the origin received a complete request: " + seen);
          }
        }
      } else {
        assertEquals(0, origin.requestCount(), () -> name + ": the origin saw " + origin.requests());
      }

      origin.clearRecords();
      RawOutcome valid = connection.send(get("/bytes/10").build()).get(10, TimeUnit.SECONDS);
      assertTrue(valid.isResponse(200), () -> name + ": the valid request after it got " + valid
          + "; connection active " + connection.isActive() + "; access log " + relayed.relay().accessLog());
      assertEquals(10, valid.body().length, "body length of the valid request");
      assertEquals(1, origin.requestCount(), () -> "origin records after the valid request: " + origin.requests());
    }
  }

  private static Arguments malformed(String name, RawRequest.Builder request) {
    return Arguments.of(name, request.build());
  }

  private static RawRequest.Builder get(String path) {
    return RawRequest.standard("GET", AUTHORITY, path);
  }

  private static RawRequest.Builder post(String path) {
    return RawRequest.standard("POST", AUTHORITY, path);
  }
}
