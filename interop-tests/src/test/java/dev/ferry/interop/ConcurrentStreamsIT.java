package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.ResponseListener;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.PatternBytes;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.WorkDirs;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http3.Http3Headers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many QUIC connections with many streams each are relayed without losing, mixing up or corrupting a response:
 * 20 connections open 100 requests at once each (2,000 in flight), every request asks the built-in origin for a
 * different length of the deterministic {@link PatternBytes} body, and every response must come back as 200 with
 * exactly the pattern of its own length. A relay that cross-wires streams, drops a chunk, or stalls under this load
 * (HTTP/1.1 origin pool queueing, HTTP/2 origin stream multiplexing) fails here; the origin must also see exactly
 * 2,000 requests, so a hidden retry or a lost request shows.
 */
class ConcurrentStreamsIT {

  private static final int CONNECTIONS = 20;
  private static final int STREAMS_PER_CONNECTION = 100;
  private static final int TOTAL = CONNECTIONS * STREAMS_PER_CONNECTION;
  private static final int MIN_SIZE = 1024;
  private static final int MAX_SIZE = 64 * 1024;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void relaysTwoThousandConcurrentStreamsIntactToHttp1Origin() throws Exception {
    runAgainst("concurrent-h1", origin -> FerryRelay.h1("builtin", origin.address()), "h1");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void relaysTwoThousandConcurrentStreamsIntactToH2cOrigin() throws Exception {
    runAgainst("concurrent-h2c", origin -> FerryRelay.h2c("builtin", origin.address()), "h2c");
  }

  /** Body length of request {@code i}: spread over 1 KiB..64 KiB, mostly not a multiple of any frame size. */
  static int sizeOf(int i) {
    return MIN_SIZE + (int) ((i * 7919L) % (MAX_SIZE - MIN_SIZE + 1));
  }

  private static void runAgainst(String name, Function<BuiltinOrigin, OriginConfig> originConfig, String label)
      throws Exception {
    Path work = WorkDirs.create(name);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try (BuiltinOrigin origin = BuiltinOrigin.builder().build().start();
        FerryRelay relay = FerryRelay.start(work.resolve("relay"), originConfig.apply(origin));
        Http3Client client = Http3Client.builder().insecure(true).group(group)
            .connectTimeout(Duration.ofSeconds(10)).build()) {
      List<Http3Connection> connections = new ArrayList<>();
      List<CompletableFuture<Http3Connection>> connecting = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        connecting.add(client.connect(relay.address(), "localhost"));
      }
      for (CompletableFuture<Http3Connection> f : connecting) {
        connections.add(f.get(15, TimeUnit.SECONDS));
      }

      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      List<CompletableFuture<?>> all = new ArrayList<>(TOTAL);
      long start = System.nanoTime();
      for (int s = 0; s < STREAMS_PER_CONNECTION; s++) {
        for (int c = 0; c < CONNECTIONS; c++) {
          int i = c * STREAMS_PER_CONNECTION + s;
          int size = sizeOf(i);
          PatternCheck check = new PatternCheck(i, size);
          connections.get(c).request(Http3Request.get("/bytes/" + size), check);
          all.add(check.result.handle((problem, error) -> {
            if (problem != null) {
              failures.add(problem);
            }
            return null;
          }));
        }
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(50, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;

      assertTrue(failures.isEmpty(), () -> failures.size() + " of " + TOTAL + " requests went wrong, first: "
          + failures.stream().limit(5).toList() + "; origin received " + origin.requestCount()
          + "; relay access log for them: " + relay.accessLog().stream()
              .filter(line -> failures.stream().anyMatch(f -> line.contains(pathOf(f) + "\""))).toList());
      assertEquals(TOTAL, origin.requestCount(), "requests the origin received");
      long bytes = 0;
      for (int i = 0; i < TOTAL; i++) {
        bytes += sizeOf(i);
      }
      System.out.printf(Locale.ROOT, "[ConcurrentStreamsIT] %s origin: %d requests (%d connections x %d streams,"
          + " %.1f MB) in %.2f s = %.0f requests/s, %.1f MB/s%n", label, TOTAL, CONNECTIONS,
          STREAMS_PER_CONNECTION, bytes / 1e6, seconds, TOTAL / seconds, bytes / 1e6 / seconds);
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** The request path a failure message names. */
  private static String pathOf(String failure) {
    int start = failure.indexOf("/bytes/");
    return start < 0 ? "\u0000" : failure.substring(start, failure.indexOf(')', start));
  }

  /**
   * Checks one response as it streams in: status 200, then exactly the pattern bytes of the requested length. Its
   * result is null when all is well, else a description that says how far the response got.
   */
  private static final class PatternCheck implements ResponseListener {
    final CompletableFuture<String> result = new CompletableFuture<>();
    private final int index;
    private final int size;
    private String status;
    private long received;
    private String mismatch;

    PatternCheck(int index, int size) {
      this.index = index;
      this.size = size;
    }

    @Override
    public void onHead(Http3Headers head) {
      status = String.valueOf(head.status());
    }

    @Override
    public void onData(ByteBuf data) {
      int n = data.readableBytes();
      if (mismatch == null) {
        for (int k = 0; k < n; k++) {
          if (data.getByte(data.readerIndex() + k) != PatternBytes.at(received + k)) {
            mismatch = "byte " + (received + k) + " differs from the pattern";
            break;
          }
        }
      }
      received += n;
    }

    @Override
    public void onComplete() {
      String problem = null;
      if (!"200".equals(status)) {
        problem = "status " + status;
      } else if (received != size) {
        problem = received + " bytes, expected " + size;
      } else if (mismatch != null) {
        problem = mismatch;
      }
      result.complete(problem == null ? null : describe(problem));
    }

    @Override
    public void onError(Throwable cause) {
      result.complete(describe("failed after head " + status + " and " + received + " of " + size
          + " bytes: " + cause));
    }

    private String describe(String problem) {
      return "request " + index + " (/bytes/" + size + "): " + problem;
    }
  }
}
