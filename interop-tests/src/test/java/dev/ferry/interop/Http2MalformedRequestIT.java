package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.Http2RawClient;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.BuiltinOrigin;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed HTTP/2 requests on the TCP listener (RFC 9113 8.1.1, 8.2, 8.3), sent by a raw Netty client that does
 * no checks of its own: each is answered 400 with Proxy-Status or reset with PROTOCOL_ERROR (RFC 9113 allows
 * either), never reaches the origin (which records every request), and costs only its stream: the same
 * connection then gets 200 for a valid request.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2MalformedRequestIT {
  private static BuiltinOrigin origin;
  private static FerryRelay relay;
  private static Http2RawClient client;

  @BeforeAll
  static void start() throws Exception {
    origin = BuiltinOrigin.builder().build().start();
    relay = FerryRelay.start(WorkDirs.create("h2-malformed").resolve("state"),
        FerryRelay.h1("builtin", origin.address()));
    client = Http2RawClient.connect(new InetSocketAddress("127.0.0.1", relay.port()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (relay != null) {
      relay.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        malformed("upper-case field name (8.2)", h -> h.add("X-Upper", "1")),
        malformed("connection-specific field (8.2.2)", h -> h.add("connection", "keep-alive")),
        malformed("transfer-encoding (8.2.2)", h -> h.add("transfer-encoding", "chunked")),
        malformed("te other than trailers (8.2.2)", h -> h.add("te", "gzip")),
        malformed("CR in a value (8.2.1)", h -> h.add("x-a", "a\rb")),
        malformed("missing :path (8.3.1)", h -> {
          h.remove(":path");
          return h;
        }),
        malformed("unknown pseudo-header (8.3)", h -> h.add(":foo", "bar")),
        malformed(":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 4)",
            h -> h.add(":protocol", "websocket")),
        malformed("host differing from :authority (8.3.1)", h -> h.add("host", "other.test")),
        malformed("NUL in a value (8.2.1)", h -> h.add("x-a", "a\0b")),
        malformed("value with leading whitespace (8.2.1)", h -> h.add("x-a", " padded")),
        malformed("value with trailing whitespace (8.2.1)", h -> h.add("x-a", "padded\t")),
        malformed("colon inside a field name (8.2.1)", h -> h.add("x:a", "1")),
        malformed("two :path fields (8.3)", h -> h.add(":path", "/other")),
        malformed("empty :path (8.3.1)", h -> h.path("")),
        malformed("missing :method (8.3.1)", h -> {
          h.remove(":method");
          return h;
        }),
        malformed("missing :scheme (8.3.1)", h -> {
          h.remove(":scheme");
          return h;
        }),
        malformed("CONNECT with :scheme and :path (8.5)", h -> h.method("CONNECT")),
        malformed("content-length with no body (8.1.1)", h -> h.add("content-length", "5")));
  }

  private static Arguments malformed(String name, UnaryOperator<Http2Headers> edit) {
    return Arguments.of(name, edit);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aMalformedRequestCostsOnlyItsStream(String name, UnaryOperator<Http2Headers> edit) throws Exception {
    String path = "/headers?case=" + Integer.toHexString(name.hashCode());
    // No validation on our side: the relay must see exactly this.
    Http2Headers head = new DefaultHttp2Headers(false);
    head.method("GET").scheme("https").authority("127.0.0.1:" + relay.port()).path(path);
    head = edit.apply(head);
    Http2RawClient.Tunnel stream;
    try {
      stream = client.openEnded(head);
    } catch (ExecutionException e) {
      fail(name + ": the request could not be sent: " + e.getCause());
      return;
    }
    String outcome;
    try {
      Http2Headers answer = stream.head();
      outcome = "status " + answer.status();
      assertEquals("400", String.valueOf(answer.status()), name + ": " + answer);
      assertTrue(String.valueOf(answer.get("proxy-status")).contains("error=http_request_error"),
          name + ": " + answer);
    } catch (ExecutionException e) {
      outcome = "reset " + stream.resetCode;
      assertEquals("1", stream.resetCode, name + ": expected a PROTOCOL_ERROR reset, got " + e.getCause());
    }
    Thread.sleep(50);
    assertTrue(origin.requests().stream().noneMatch(r -> r.target().equals(path)),
        name + " reached the origin (" + outcome + ")");

    Http2Headers valid = new DefaultHttp2Headers();
    valid.method("GET").scheme("https").authority("127.0.0.1:" + relay.port()).path("/");
    assertEquals("200", String.valueOf(client.openEnded(valid).head().status()),
        name + ": the next request on the same connection");
  }
}
