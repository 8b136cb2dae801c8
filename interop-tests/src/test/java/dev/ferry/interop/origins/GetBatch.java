package dev.ferry.interop.origins;

import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.Http3Response;
import dev.ferry.testorigin.PatternBytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntUnaryOperator;

/**
 * Sends a number of {@code GET /bytes/N} requests over one HTTP/3 connection, at most {@code concurrency} at a time
 * (1 means one after the other), and checks each answer: status 200 and exactly the {@link PatternBytes} of the
 * asked length. Each request has its own target ({@link BytesPath#of}), so an origin can tell a resent request from
 * a new one. The result says how many went wrong and how.
 */
final class GetBatch {
  private final AtomicReferenceArray<String> problems;
  private final Duration elapsed;

  private GetBatch(AtomicReferenceArray<String> problems, Duration elapsed) {
    this.problems = problems;
    this.elapsed = elapsed;
  }

  /**
   * Sends {@code requests} GETs, request {@code i} asking for {@code size.applyAsInt(i)} bytes, and waits at most
   * {@code limit} for all of them.
   */
  static GetBatch run(Http3Connection connection, int requests, int concurrency, IntUnaryOperator size,
                      Duration limit) throws InterruptedException {
    AtomicReferenceArray<String> problems = new AtomicReferenceArray<>(requests);
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(concurrency, requests); lane++) {
      lanes.add(sendNext(connection, requests, size, next, problems));
    }
    try {
      CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      for (int i = 0; i < requests; i++) {
        problems.compareAndSet(i, null, "no answer within " + limit + " (" + e + ")");
      }
    }
    return new GetBatch(problems, Duration.ofNanos(System.nanoTime() - start));
  }

  private static CompletableFuture<Void> sendNext(Http3Connection connection, int requests, IntUnaryOperator size,
                                                  AtomicInteger next, AtomicReferenceArray<String> problems) {
    int i = next.getAndIncrement();
    if (i >= requests) {
      return CompletableFuture.completedFuture(null);
    }
    int length = size.applyAsInt(i);
    String target = BytesPath.of(length, i);
    return connection.send(Http3Request.get(target)).handle((response, error) -> {
      problems.set(i, check(target, length, response, error));
      return null;
    }).thenCompose(ignored -> sendNext(connection, requests, size, next, problems));
  }

  /** Null when the answer is right, else what was wrong with it. */
  private static String check(String target, int length, Http3Response response, Throwable error) {
    if (error != null) {
      return target + ": " + error;
    }
    if (response.status() != 200) {
      return target + ": status " + response.status() + ", proxy-status " + response.headers().get("proxy-status");
    }
    byte[] body = response.body();
    if (body.length != length) {
      return target + ": " + body.length + " body bytes";
    }
    int mismatch = PatternBytes.firstMismatch(body, 0, length, 0);
    return mismatch < 0 ? "" : target + ": body differs from the pattern at byte " + mismatch;
  }

  /** Requests answered with status 200 and the right body. */
  int succeeded() {
    int ok = 0;
    for (int i = 0; i < problems.length(); i++) {
      if ("".equals(problems.get(i))) {
        ok++;
      }
    }
    return ok;
  }

  int requests() {
    return problems.length();
  }

  boolean allSucceeded() {
    return succeeded() == requests();
  }

  Duration elapsed() {
    return elapsed;
  }

  /** The request targets that went wrong, in request order. */
  List<String> failedTargets() {
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < problems.length(); i++) {
      String problem = problems.get(i);
      if (problem != null && !problem.isEmpty()) {
        failed.add(problem.substring(0, problem.indexOf(':')));
      }
    }
    return failed;
  }

  /** How many failed, grouped by the kind of failure, and the first few in full. */
  String describe() {
    Map<String, Integer> kinds = new TreeMap<>();
    List<String> first = new ArrayList<>();
    for (int i = 0; i < problems.length(); i++) {
      String problem = problems.get(i);
      if (problem == null || problem.isEmpty()) {
        continue;
      }
      kinds.merge(problem.substring(problem.indexOf(':') + 1).replaceAll("[0-9]+ body bytes", "N body bytes"),
          1, Integer::sum);
      if (first.size() < 5) {
        first.add(problem);
      }
    }
    return (requests() - succeeded()) + " of " + requests() + " requests went wrong: " + kinds + "; first: " + first;
  }
}
