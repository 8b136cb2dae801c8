package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.transport.Transport;
import dev.ferry.ingress.Http3Listener;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.NginxOrigin;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.WorkDirs;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The listener's UDP sockets as a user would check them. On epoll, {@code event-loops: 2} binds two sockets on one
 * port; the kernel spreads independent clients (ngtcp2's {@code gtlsclient}, each its own process and source port)
 * over both, and every download through either arrives intact. With {@code FERRY_TRANSPORT=nio} (the test command's
 * second pass) the relay must really run on NIO, with one socket, and the same downloads must arrive.
 */
class SharedPortListenerIT {

  private static final int CLIENTS = 24;

  @Test
  void independentClientsSpreadOverOneSocketPerEventLoopAndEveryDownloadArrivesIntact() throws Exception {
    Path work = WorkDirs.create("shared-port");
    Path www = work.resolve("www");
    Path file = RandomFiles.create(www.resolve("file.bin"), 256 << 10, 7);

    try (NginxOrigin nginx = NginxOrigin.start(work.resolve("nginx"), www, false, null);
        FerryRelay relay = FerryRelay.builder(work.resolve("state"))
            .origin(FerryRelay.h1("nginx", new InetSocketAddress("127.0.0.1", nginx.port())))
            .eventLoops(2).start()) {
      ExecutorService clients = Executors.newFixedThreadPool(4);
      List<Future<GtlsClient.Result>> runs = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        Path dir = work.resolve("client-" + i);
        runs.add(clients.submit(() -> GtlsClient.connect("127.0.0.1", relay.port()).quiet()
            .timeout(Duration.ofSeconds(30)).fetch(dir, relay.url("/file.bin"))));
      }
      clients.shutdown();
      String expected = Hashes.sha256(file);
      for (Future<GtlsClient.Result> run : runs) {
        GtlsClient.Result result = run.get();
        assertFalse(result.timedOut(), result.stderr());
        Path got = result.download(relay.url("/file.bin"))
            .orElseThrow(() -> new AssertionError("no download\n" + result.stderr()));
        assertEquals(expected, Hashes.sha256(got), "SHA-256 of a download");
      }

      Transport transport = relay.server().transport();
      String forced = System.getenv(Transport.ENV);
      if (forced != null && !forced.isBlank() && !forced.equalsIgnoreCase("auto")) {
        assertEquals(forced.trim().toUpperCase(java.util.Locale.ROOT), transport.name(),
            Transport.ENV + " chose the transport");
      }
      Http3Listener listener = relay.server().listeners().get(0);
      List<Long> accepted = listener.acceptedPerSocket();
      assertEquals(CLIENTS, accepted.stream().mapToLong(Long::longValue).sum(), "connections accepted: " + accepted);
      if (transport == Transport.EPOLL) {
        assertEquals(2, listener.socketCount(), "one socket per event loop");
        // 24 clients all on one socket would happen once in 8 million runs with an even spread.
        assertTrue(accepted.get(0) > 0 && accepted.get(1) > 0, "both sockets took clients: " + accepted);
      } else {
        assertEquals(List.of((long) CLIENTS), accepted, "NIO: one socket takes every client");
      }
      System.out.println("SharedPortListenerIT: " + transport + ", connections per socket " + accepted);
    }
  }
}
