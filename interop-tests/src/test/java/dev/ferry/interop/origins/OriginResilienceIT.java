package dev.ferry.interop.origins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.Http3Response;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.OriginProtocol;
import dev.ferry.app.config.OriginTlsConfig;
import dev.ferry.app.config.PoolConfig;
import dev.ferry.app.config.TimeoutsConfig;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.RefusingPort;
import dev.ferry.interop.support.WorkDirs;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The relay keeps requests succeeding while parts of an origin fail, because it may retry whatever the origin
 * provably never saw. With two endpoints of which one refuses connections, a connect failure moves the request to
 * the other endpoint, so no request fails, one after the other or many at once. Three refused connects in a row
 * eject the endpoint for 1 s (the next ejection in a row lasts twice as long), and once it listens again it gets its
 * share of the round robin back. A pool of HTTP/1.1 connections that is full and has its queue full turns further
 * requests away at once with 503 {@code connection_limit_reached} instead of queueing them without bound, and the
 * queued ones still complete. An HTTP/2 origin that retires its connections with GOAWAY, in one step or the graceful
 * two, or that refuses streams with REFUSED_STREAM, costs no request either: the relay sends what the origin did not
 * process again, on a new connection or stream. Every origin here is real, on 127.0.0.1, and the client speaks
 * HTTP/3 to a real relay.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OriginResilienceIT {
  private static final Duration BATCH_LIMIT = Duration.ofSeconds(40);
  /** EndpointHealth's first ejection, and the margin a test allows around it. */
  private static final Duration EJECTION = Duration.ofSeconds(1);
  private static final Duration MARGIN = Duration.ofMillis(300);

  // ---- several endpoints, one of them down ----------------------------------------------------------------

  @Test
  void everySequentialRequestSucceedsWhenOneOfTwoEndpointsRefusesConnections() throws Exception {
    try (RefusingPort down = RefusingPort.hold();
         CountingHttp1Origin up = CountingHttp1Origin.start();
         FerryRelay relay = relay("failover-sequential",
             h1(List.of(up.address(), down.address()), PoolConfig.defaults()), 2);
         Http3Client client = client()) {
      GetBatch batch = GetBatch.run(connect(client, relay), 200, 1, OriginResilienceIT::smallSize, BATCH_LIMIT);

      assertTrue(batch.allSucceeded(), () -> batch.describe() + "; access log " + relay.accessLog());
      assertEquals(200, up.requests(), "requests the endpoint that is up answered");
      assertTrue(relay.server().originEjections() >= 1,
          "the refusing endpoint was never ejected, so it was never tried either");
      report("200 sequential GETs, one endpoint down", batch);
    }
  }

  @Test
  void everyConcurrentRequestSucceedsWhenOneOfTwoEndpointsRefusesConnections() throws Exception {
    try (RefusingPort down = RefusingPort.hold();
         CountingHttp1Origin up = CountingHttp1Origin.start();
         FerryRelay relay = relay("failover-concurrent",
             h1(List.of(down.address(), up.address()), PoolConfig.defaults()), 2);
         Http3Client client = client()) {
      GetBatch batch = GetBatch.run(connect(client, relay), 200, 200, OriginResilienceIT::smallSize, BATCH_LIMIT);

      assertTrue(batch.allSucceeded(), () -> batch.describe() + "; access log " + relay.accessLog());
      assertEquals(200, up.requests(), "requests the endpoint that is up answered");
      assertTrue(relay.server().originEjections() >= 1,
          "the refusing endpoint was never ejected, so it was never tried either");
      report("200 concurrent GETs, one endpoint down", batch);
    }
  }

  @Test
  void endpointRefusingThreeConnectsInARowIsEjectedAndTakesRequestsAgainOnceItListens() throws Exception {
    try (RefusingPort b = RefusingPort.hold();
         CountingHttp1Origin a = CountingHttp1Origin.start();
         FerryRelay relay = relay("ejection-return", h1(List.of(a.address(), b.address()), PoolConfig.defaults()), 1);
         Http3Client client = client()) {
      Http3Connection connection = connect(client, relay);
      int sent = sendUntil(connection, () -> relay.server().originEjections() >= 1, 20,
          () -> "A answered " + a.requests() + "; access log " + relay.accessLog());
      assertEquals(1, relay.server().originEjections(), "ejections after B refused three connects in a row");
      assertEquals(sent, a.requests(), "while B refuses connections, A answers every request");

      b.release();
      try (CountingHttp1Origin backB = CountingHttp1Origin.startOn(b.address())) {
        Thread.sleep(EJECTION.plus(MARGIN).toMillis());
        GetBatch after = GetBatch.run(connection, 20, 1, OriginResilienceIT::smallSize, BATCH_LIMIT);

        assertTrue(after.allSucceeded(), () -> after.describe() + "; access log " + relay.accessLog());
        assertTrue(backB.requests() >= 5, () -> "B listens again after its 1 s ejection, so round robin should give"
            + " it about half of 20 requests; it got " + backB.requests() + ", A " + (a.requests() - sent));
        assertEquals(20, a.requests() - sent + backB.requests(), "requests A and B answered after B returned");
        assertEquals(1, relay.server().originEjections(), "B answered, so it was not ejected again");
        System.out.printf(Locale.ROOT, "[OriginResilienceIT] ejection after %d requests; after B returned: A %d,"
            + " B %d of 20%n", sent, a.requests() - sent, backB.requests());
      }
    }
  }

  @Test
  void endpointFailingRightAfterItsEjectionIsEjectedAgainForTwiceAsLong() throws Exception {
    try (RefusingPort b = RefusingPort.hold();
         CountingHttp1Origin a = CountingHttp1Origin.start();
         FerryRelay relay = relay("ejection-doubles", h1(List.of(a.address(), b.address()), PoolConfig.defaults()), 1);
         Http3Client client = client()) {
      Http3Connection connection = connect(client, relay);
      sendUntil(connection, () -> relay.server().originEjections() >= 1, 20,
          () -> "A answered " + a.requests() + "; access log " + relay.accessLog());
      Thread.sleep(EJECTION.plus(MARGIN).toMillis());
      // Back from its first ejection and refusing again: one failure ejects B at once, now for 2 s.
      sendUntil(connection, () -> relay.server().originEjections() >= 2, 4,
          () -> "A answered " + a.requests() + "; access log " + relay.accessLog());
      long secondEjection = System.nanoTime();
      assertEquals(2, relay.server().originEjections(), "ejections after B's first try once back");

      b.release();
      try (CountingHttp1Origin backB = CountingHttp1Origin.startOn(b.address())) {
        int whileEjected = sendFor(connection, EJECTION.plus(MARGIN));
        assertEquals(0, backB.requests(), () -> "B got requests within 1.3 s of its second ejection, which should"
            + " last 2 s (" + whileEjected + " requests sent meanwhile)");
        sleepUntil(secondEjection + EJECTION.multipliedBy(2).plus(MARGIN).toNanos());
        GetBatch after = GetBatch.run(connection, 20, 1, OriginResilienceIT::smallSize, BATCH_LIMIT);

        assertTrue(after.allSucceeded(), () -> after.describe() + "; access log " + relay.accessLog());
        assertTrue(backB.requests() >= 5, () -> "B should be back after its 2 s ejection; it got "
            + backB.requests() + " of 20 requests");
        assertEquals(2, relay.server().originEjections(), "B answered, so it was not ejected again");
      }
    }
  }

  // ---- bounded pool queue -----------------------------------------------------------------------------------

  @Test
  void requestsBeyondAFullPoolAndItsFullQueueGet503ConnectionLimitReachedAtOnceWhileQueuedOnesComplete()
      throws Exception {
    PoolConfig oneConnectionTwoWaiting = new PoolConfig(1, 1, Duration.ofSeconds(60), 2);
    try (HoldingHttp1Origin origin = HoldingHttp1Origin.start();
         FerryRelay relay = relay("pool-queue", h1(List.of(origin.address()), oneConnectionTwoWaiting), 1);
         Http3Client client = client()) {
      Http3Connection connection = connect(client, relay);
      List<CompletableFuture<Http3Response>> responses = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        responses.add(connection.send(Http3Request.get(BytesPath.of(100, i))));
      }

      awaitDone(responses, 2, Duration.ofSeconds(1));
      Duration turnedAway = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(origin.awaitReceived(1, Duration.ofSeconds(5)), "the first request never reached the origin");
      Thread.sleep(200);
      List<CompletableFuture<Http3Response>> done = responses.stream().filter(CompletableFuture::isDone).toList();
      assertEquals(2, done.size(), () -> "1 request in flight and 2 waiting, so exactly 2 should be turned away"
          + " within 1 s; done after " + turnedAway + ": " + done.size() + "; access log " + relay.accessLog());
      for (CompletableFuture<Http3Response> f : done) {
        Http3Response response = f.get();
        assertEquals(503, response.status(), () -> "status of a request beyond the queue; " + response.headers());
        assertProxyStatus(response, "connection_limit_reached");
        assertTrue(response.total().compareTo(Duration.ofMillis(500)) < 0,
            () -> "a request beyond the queue should be answered at once, took " + response.total());
      }
      assertEquals(1, origin.received(), "requests at the origin while its one connection is busy");
      assertEquals(1, origin.connections(), "connections the pool may open");

      origin.release();
      for (CompletableFuture<Http3Response> f : responses) {
        if (done.contains(f)) {
          continue;
        }
        Http3Response response = f.get(10, TimeUnit.SECONDS);
        assertEquals(200, response.status(), () -> "a request in flight or queued; " + response.headers());
        assertEquals(100, response.body().length, "its body length");
      }
      assertEquals(3, origin.received(), "requests the origin got: the one in flight and the two queued");
      assertEquals(1, origin.connections(), "the queued requests reuse the one connection");
      System.out.printf(Locale.ROOT, "[OriginResilienceIT] pool full: 2 of 5 turned away with 503 after %d ms%n",
          turnedAway.toMillis());
    }
  }

  // ---- HTTP/2 origins retiring connections and refusing streams ---------------------------------------------

  @ParameterizedTest(name = "{0}")
  @EnumSource(GoingAwayH2cOrigin.Style.class)
  void everyRequestSucceedsThroughAnH2cOriginSendingGoAwayAfterEveryFiftyStreams(GoingAwayH2cOrigin.Style style)
      throws Exception {
    try (GoingAwayH2cOrigin origin = GoingAwayH2cOrigin.start(50, style);
         FerryRelay relay = relay("goaway-" + style.name().toLowerCase(Locale.ROOT),
             originConfig(OriginProtocol.H2C, List.of(origin.address()), PoolConfig.defaults()), 2);
         Http3Client client = client()) {
      GetBatch batch = GetBatch.run(connect(client, relay), 1000, 50, OriginResilienceIT::mixedSize, BATCH_LIMIT);

      assertTrue(batch.allSucceeded(), () -> batch.describe() + "; of these the origin had answered "
          + batch.failedTargets().stream().filter(origin::hasAnswered).count() + "; origin: " + origin.connections()
          + " connections, " + origin.goAways() + " GOAWAYs, " + origin.answered() + " streams answered");
      assertTrue(origin.connections() > 1, () -> "the relay should have needed new connections after GOAWAY; it"
          + " opened " + origin.connections());
      assertEquals(1000, origin.answered(), "streams the origin processed: each request exactly once");
      report("1000 GETs, 50 at a time, h2c GOAWAY every 50 streams (" + style + "), " + origin.connections()
          + " connections", batch);
    }
  }

  @Test
  void everyRequestSucceedsThroughAnH2cOriginRefusingEveryTenthStream() throws Exception {
    try (RefusingH2cOrigin origin = RefusingH2cOrigin.start(10);
         FerryRelay relay = relay("refused-stream",
             originConfig(OriginProtocol.H2C, List.of(origin.address()), PoolConfig.defaults()), 2);
         Http3Client client = client()) {
      GetBatch batch = GetBatch.run(connect(client, relay), 500, 20, OriginResilienceIT::mixedSize, BATCH_LIMIT);

      assertTrue(batch.allSucceeded(), () -> batch.describe() + "; origin refused " + origin.refused()
          + " streams, answered " + origin.answered());
      assertTrue(origin.refused() >= 40, () -> "the origin should have refused about every tenth of 550 streams;"
          + " it refused " + origin.refused());
      assertEquals(500, origin.answered(), "streams the origin processed: each request exactly once");
      report("500 GETs, 20 at a time, h2c REFUSED_STREAM on every tenth stream (" + origin.refused() + ")", batch);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  /** Body lengths for the HTTP/1.1 cases: small, so the counts and timings are what matters. */
  private static int smallSize(int i) {
    return 1 + (i * 37) % 2000;
  }

  /** Body lengths for the HTTP/2 cases: up to 32 KiB, several DATA frames and flow-control windows in play. */
  private static int mixedSize(int i) {
    return (int) ((i * 7919L) % (32 * 1024 + 1));
  }

  /**
   * Sends one GET at a time, each of which must succeed, until {@code done} holds; returns how many it sent. When
   * {@code atMost} were not enough, the failure says {@code whatHappened}.
   */
  private static int sendUntil(Http3Connection connection, BooleanSupplier done, int atMost,
                               Supplier<String> whatHappened) throws Exception {
    int sent = 0;
    while (!done.getAsBoolean()) {
      assertTrue(sent < atMost, () -> "condition not reached after " + atMost + " requests: " + whatHappened.get());
      sendOne(connection, sent++);
    }
    return sent;
  }

  /** Sends one GET at a time, each of which must succeed, for {@code duration}; returns how many it sent. */
  private static int sendFor(Http3Connection connection, Duration duration) throws Exception {
    long end = System.nanoTime() + duration.toNanos();
    int sent = 0;
    while (System.nanoTime() - end < 0) {
      sendOne(connection, sent++);
      Thread.sleep(20);
    }
    return sent;
  }

  private static void sendOne(Http3Connection connection, int request) throws Exception {
    GetBatch one = GetBatch.run(connection, 1, 1, i -> smallSize(request), Duration.ofSeconds(10));
    assertTrue(one.allSucceeded(), one::describe);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static void awaitDone(List<CompletableFuture<Http3Response>> responses, int n, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (responses.stream().filter(CompletableFuture::isDone).count() < n && System.nanoTime() - deadline < 0) {
      Thread.sleep(5);
    }
  }

  private static void assertProxyStatus(Http3Response response, String errorType) {
    CharSequence value = response.headers().get("proxy-status");
    assertNotNull(value, () -> "no proxy-status in " + response.headers());
    assertTrue(value.toString().contains("error=" + errorType),
        () -> "proxy-status should name error=" + errorType + ": " + value);
  }

  private static void report(String what, GetBatch batch) {
    System.out.printf(Locale.ROOT, "[OriginResilienceIT] %s: %d of %d succeeded in %d ms%n", what,
        batch.succeeded(), batch.requests(), batch.elapsed().toMillis());
  }

  private static OriginConfig h1(List<InetSocketAddress> endpoints, PoolConfig pool) {
    return originConfig(OriginProtocol.H1, endpoints, pool);
  }

  private static OriginConfig originConfig(OriginProtocol protocol, List<InetSocketAddress> endpoints,
                                           PoolConfig pool) {
    return new OriginConfig("origin", protocol, endpoints, OriginTlsConfig.defaults(), TimeoutsConfig.defaults(),
        pool);
  }

  private static FerryRelay relay(String name, OriginConfig origin, int eventLoops) throws InterruptedException {
    return FerryRelay.builder(WorkDirs.create("origin-resilience-" + name).resolve("relay"))
        .origin(origin)
        .eventLoops(eventLoops)
        .start();
  }

  private static Http3Client client() {
    return Http3Client.builder().insecure(true).build();
  }

  private static Http3Connection connect(Http3Client client, FerryRelay relay) throws Exception {
    return client.connect(relay.address(), "localhost").get(10, TimeUnit.SECONDS);
  }
}
