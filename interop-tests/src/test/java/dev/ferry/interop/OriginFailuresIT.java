package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.Http3Response;
import dev.ferry.http3.client.Http3StreamResetException;
import dev.ferry.http3.client.RequestBody;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.OriginProtocol;
import dev.ferry.app.config.OriginTlsConfig;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.PatternBytes;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.RefusingPort;
import dev.ferry.interop.support.WorkDirs;
import io.netty.handler.codec.http3.Http3ErrorCode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an HTTP/3 client gets from the relay when the origin fails, and that one failing exchange leaves the relay
 * serving others. Before the response head has left, a failure becomes an error response whose status and
 * {@code Proxy-Status} error type name the cause (origin refusing connections: 502 {@code connection_refused}; origin
 * not accepting within the connect timeout: 504 {@code connection_timeout}; origin silent past the response timeout:
 * 504 {@code http_response_timeout}), and the access log names the same type. Once the head has left, an origin
 * that breaks mid-body makes the relay reset the client's stream with H3_INTERNAL_ERROR instead of ending it
 * cleanly, so the client cannot mistake a truncated body for a whole one; this is checked for HTTP/1.1 and h2c
 * origins, each followed by a good request through the same relay.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OriginFailuresIT {
  private static final Duration CONNECT = Duration.ofSeconds(2);
  private static final Duration IDLE = Duration.ofSeconds(30);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Http3Client client;

  @BeforeEach
  void createClient() {
    client = Http3Client.builder().insecure(true).build();
  }

  @AfterEach
  void closeAll() throws Exception {
    client.close();
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void respondsWith502AndProxyStatusConnectionRefusedWhenNobodyListensOnTheOriginPort() throws Exception {
    RefusingPort closed = RefusingPort.hold();
    resources.add(closed);
    FerryRelay relay = relay("down", origin("down", OriginProtocol.H1, closed.address(), Duration.ofSeconds(30)));

    Http3Response response = connect(relay).send(Http3Request.get("/anything")).get(10, TimeUnit.SECONDS);

    assertEquals(502, response.status(), () -> "status; access log " + relay.accessLog());
    assertProxyStatus(response, "connection_refused");
    assertAccessLogNames(relay, "connection_refused");
  }

  @Test
  void respondsWith504AndProxyStatusHttpResponseTimeoutWhenOriginNeverAnswers() throws Exception {
    BuiltinOrigin origin = builtinOrigin();
    FerryRelay relay = relay("hang", origin("hang", OriginProtocol.H1, origin.address(), Duration.ofSeconds(1)));
    Http3Connection connection = connect(relay);

    long start = System.nanoTime();
    Http3Response response = connection.send(Http3Request.get("/hang")).get(10, TimeUnit.SECONDS);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertEquals(504, response.status(), () -> "status; access log " + relay.accessLog());
    assertProxyStatus(response, "http_response_timeout");
    assertTrue(elapsed.toMillis() >= 900, () -> "answered before the 1 s response timeout: " + elapsed);
    assertTrue(elapsed.toMillis() < 5000, () -> "took far longer than the 1 s response timeout: " + elapsed);
    assertEquals(1, origin.requestCount(), () -> "the origin should have received /hang once: " + origin.requests());
    assertAccessLogNames(relay, "http_response_timeout");
  }

  @Test
  void uploadLongerThanTheResponseTimeoutIsNotCutShortByIt() throws Exception {
    BuiltinOrigin origin = builtinOrigin();
    FerryRelay relay = relay("slow-upload", origin("slow-upload", OriginProtocol.H1, origin.address(),
        Duration.ofSeconds(1)));
    Http3Connection connection = connect(relay);
    long size = 40L * PatternBytes.CHUNK_SIZE;
    // About 2 s of upload against a 1 s response timeout: the timer must start when the request has ended.
    Http3Request request = Http3Request.builder("POST", "/sink").body(RequestBody.generated(size, (alloc, offset, len) -> {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return PatternBytes.chunk(alloc, offset, len);
    })).build();

    long start = System.nanoTime();
    Http3Response response = connection.send(request).get(30, TimeUnit.SECONDS);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertEquals(200, response.status(), () -> "status; access log " + relay.accessLog());
    assertEquals(Long.toString(size), String.valueOf(response.headers().get("x-body-bytes")));
    assertTrue(elapsed.toMillis() > 1500, () -> "the upload was meant to outlast the response timeout: " + elapsed);
  }

  @Test
  void respondsWith504AndProxyStatusConnectionTimeoutWhenOriginDoesNotAcceptWithinConnectTimeout()
      throws Exception {
    SaturatedListener saturated = SaturatedListener.open();
    resources.add(saturated);
    Assumptions.assumeTrue(saturated.dropsSyns(),
        "could not make a loopback listener that drops SYNs (accept queue overflow) on this kernel");
    Duration connect = Duration.ofMillis(700);
    FerryRelay relay = relay("syn-drop", FerryRelay.origin("syn-drop", OriginProtocol.H1, saturated.address(),
        OriginTlsConfig.defaults(), FerryRelay.timeouts(connect, Duration.ofSeconds(30), IDLE)));

    long start = System.nanoTime();
    Http3Response response = connect(relay).send(Http3Request.get("/anything")).get(10, TimeUnit.SECONDS);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertEquals(504, response.status(), () -> "status; access log " + relay.accessLog());
    assertProxyStatus(response, "connection_timeout");
    assertTrue(elapsed.compareTo(connect.minusMillis(100)) >= 0, () -> "answered before the connect timeout: "
        + elapsed);
    assertTrue(elapsed.toMillis() < 5000, () -> "took far longer than the 700 ms connect timeout: " + elapsed);
    assertAccessLogNames(relay, "connection_timeout");
  }

  @Test
  void resetsClientStreamWithInternalErrorWhenHttp1OriginDiesMidBodyThenServesTheNextRequest() throws Exception {
    diesMidBodyThenNextRequestSucceeds(OriginProtocol.H1);
  }

  @Test
  void resetsClientStreamWithInternalErrorWhenH2cOriginResetsMidBodyThenServesTheNextRequest() throws Exception {
    diesMidBodyThenNextRequestSucceeds(OriginProtocol.H2C);
  }

  @Test
  void completesOtherRequestsOnTheSameConnectionWhileOneWaitsOnAnOriginThatNeverAnswers() throws Exception {
    BuiltinOrigin origin = builtinOrigin();
    FerryRelay relay = relay("busy", origin("busy", OriginProtocol.H1, origin.address(), Duration.ofSeconds(20)));
    Http3Connection connection = connect(relay);

    CompletableFuture<Http3Response> hanging = connection.send(Http3Request.get("/hang"));
    assertTrue(origin.awaitRequestCount(1, Duration.ofSeconds(5)), "the /hang request never reached the origin");
    Http3Response other = connection.send(Http3Request.get("/bytes/5000")).get(10, TimeUnit.SECONDS);

    assertEquals(200, other.status());
    assertArrayEquals(PatternBytes.bytes(0, 5000), other.body(), "body of the concurrent request");
    assertFalse(hanging.isDone(), () -> "the /hang exchange ended early: " + hanging);
    // And from a second connection, which has its own QUIC connection state.
    Http3Response fromAnother = connect(relay).send(Http3Request.get("/bytes/10")).get(10, TimeUnit.SECONDS);
    assertEquals(200, fromAnother.status());
    assertFalse(hanging.isDone(), () -> "the /hang exchange ended early: " + hanging);
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  private void diesMidBodyThenNextRequestSucceeds(OriginProtocol protocol) throws Exception {
    BuiltinOrigin origin = builtinOrigin();
    String name = "dies-" + protocol.name().toLowerCase(java.util.Locale.ROOT);
    FerryRelay relay = relay(name, origin(name, protocol, origin.address(), Duration.ofSeconds(30)));
    Http3Connection connection = connect(relay);

    CompletableFuture<Http3Response> dying = connection.send(Http3Request.get("/die/100000"));
    try {
      Http3Response r = dying.get(10, TimeUnit.SECONDS);
      fail("the client saw a clean end of a truncated body: status " + r.status() + ", " + r.bodyLength()
          + " of 200000 announced bytes; access log " + relay.accessLog());
    } catch (ExecutionException e) {
      Http3StreamResetException reset = assertInstanceOfReset(e.getCause());
      assertEquals(Http3ErrorCode.H3_INTERNAL_ERROR.code(), reset.errorCode(),
          () -> "reset code " + reset.errorName() + "; access log " + relay.accessLog());
    }

    Http3Response next = connection.send(Http3Request.get("/bytes/100000")).get(10, TimeUnit.SECONDS);
    assertEquals(200, next.status(), () -> "the request after the failure; access log " + relay.accessLog());
    assertArrayEquals(PatternBytes.bytes(0, 100_000), next.body(), "body of the request after the failure");
    assertEquals(2, origin.requestCount(), () -> "origin records: " + origin.requests());
  }

  private static Http3StreamResetException assertInstanceOfReset(Throwable cause) {
    if (cause instanceof Http3StreamResetException reset) {
      return reset;
    }
    throw new AssertionError("expected the stream to be reset, got " + cause, cause);
  }

  private static void assertProxyStatus(Http3Response response, String errorType) {
    CharSequence value = response.headers().get("proxy-status");
    assertNotNull(value, () -> "no proxy-status in " + response.headers());
    assertTrue(value.toString().contains("error=" + errorType),
        () -> "proxy-status should name error=" + errorType + ": " + value);
  }

  private static void assertAccessLogNames(FerryRelay relay, String errorType) throws InterruptedException {
    String expected = "\"error\":\"" + errorType + "\"";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < deadline) {
      if (relay.accessLog().stream().anyMatch(line -> line.contains(expected))) {
        return;
      }
      Thread.sleep(20);
    }
    fail("no access log line with " + expected + ": " + relay.accessLog());
  }

  private BuiltinOrigin builtinOrigin() {
    BuiltinOrigin origin = BuiltinOrigin.builder().build().start();
    resources.add(origin);
    return origin;
  }

  private FerryRelay relay(String name, OriginConfig origin) throws InterruptedException {
    FerryRelay relay = FerryRelay.start(WorkDirs.create("origin-failures-" + name).resolve("relay"), origin);
    resources.add(relay);
    return relay;
  }

  private Http3Connection connect(FerryRelay relay) throws Exception {
    return client.connect(relay.address(), "localhost").get(10, TimeUnit.SECONDS);
  }

  private static OriginConfig origin(String name, OriginProtocol protocol, InetSocketAddress endpoint,
                                     Duration response) {
    return FerryRelay.origin(name, protocol, endpoint, OriginTlsConfig.defaults(),
        FerryRelay.timeouts(CONNECT, response, IDLE));
  }

  /**
   * A loopback listener whose accept queue is full, so that Linux drops further SYNs (with
   * {@code net.ipv4.tcp_abort_on_overflow=0}, the default) and a connect to it hangs until the connector's timeout.
   * The queue is filled by connecting to it without ever accepting; it counts as full once a probe connect times out.
   */
  private static final class SaturatedListener implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();
    private boolean dropsSyns;

    private SaturatedListener(ServerSocket server) {
      this.server = server;
    }

    static SaturatedListener open() throws IOException {
      SaturatedListener l = new SaturatedListener(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      for (int i = 0; i < 16 && !l.dropsSyns; i++) {
        Socket s = new Socket();
        try {
          s.connect(l.address(), 300);
          l.fillers.add(s);
        } catch (SocketTimeoutException e) {
          s.close();
          l.dropsSyns = true;
        }
      }
      return l;
    }

    InetSocketAddress address() {
      return (InetSocketAddress) server.getLocalSocketAddress();
    }

    boolean dropsSyns() {
      return dropsSyns;
    }

    @Override
    public void close() throws IOException {
      for (Socket s : fillers) {
        s.close();
      }
      server.close();
    }
  }
}
