package dev.ferry.interop.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.support.BackgroundProcess;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.NetworkNamespaces;
import dev.ferry.interop.support.ProcessRunner;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.WorkDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TraceReader} and {@link TraceChecks} on real captures: ngtcp2's {@code gtlsserver} and
 * {@code gtlsclient} in a network namespace of their own, {@code tcpdump} on its loopback, the client's TLS key
 * log. Each case is a capture whose truth is known from how it was made (a Retry because the server was told to
 * send one, a resumed handshake because the client was given its session ticket), so the reader is checked
 * against the programs rather than against itself.
 */
class TraceChecksIT {
  /** The interop runner's port; free, since the namespace is the test's own and fresh. */
  private static final int PORT = 443;
  private static final Duration RUN = Duration.ofSeconds(30);
  private static Path key;
  private static Path cert;

  @BeforeAll
  static void certificate() {
    Path dir = WorkDirs.create("trace-cert");
    key = dir.resolve("key.pem");
    cert = dir.resolve("cert.pem");
    // gtlsserver wants an unencrypted PKCS#8 key ("BEGIN PRIVATE KEY"), which genpkey writes.
    run(List.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
        key.toString()), dir, "genpkey");
    run(List.of("openssl", "req", "-new", "-x509", "-key", key.toString(), "-out", cert.toString(), "-days", "1",
        "-subj", "/CN=localhost"), dir, "req");
    try {
      assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"), "not PKCS#8: " + key);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void plainHandshakeIsOneV1HandshakeWithoutRetry() throws Exception {
    Capture capture = capture("plain", 20_000, List.of(), List.of(List.of()));
    Trace trace = TraceReader.read(capture.pcap(), capture.keyLog(), PORT);

    assertEquals(List.of(Trace.QUIC_V1), trace.versions(), trace.toString());
    assertEquals(1, trace.handshakes().size(), trace.toString());
    assertTrue(trace.handshakes().get(0).decrypted() && trace.handshakes().get(0).certificate(), trace.toString());
    assertEquals(0, trace.fromServer().retry(), trace.toString());
    assertEquals(0, trace.undecryptable() + trace.oversizedDatagrams(), trace.toString());
    assertTrue(trace.fromClient().initial() > 0 && trace.fromServer().handshake() > 0, trace.toString());
    assertTrue(trace.fromClient().oneRtt() > 0 && trace.fromServer().oneRtt() > 0, trace.toString());
    assertEquals(List.of(), TraceChecks.failures("handshake", trace));
    assertEquals(List.of(), TraceChecks.failures("transfer", trace));
    assertHasFailure(TraceChecks.failures("retry", trace), "expected a Retry from the server, found none");

    // Without the key log tshark still counts handshakes, but sees no Certificate and no key phase.
    Trace blind = TraceReader.read(capture.pcap(), null, PORT);
    assertFalse(blind.keyLog());
    assertEquals(trace.handshakes().size(), blind.handshakes().size(), blind.toString());
    assertFalse(blind.handshakes().get(0).decrypted(), blind.toString());
    assertEquals(0, blind.fromClient().keyPhase0() + blind.fromServer().keyPhase0(), blind.toString());
    assertEquals(List.of(), TraceChecks.failures("handshake", blind));
    assertHasFailure(TraceChecks.failures("keyupdate", blind), "key log");
  }

  @Test
  void retryFromTheServerIsEchoedByTheClient() throws Exception {
    Capture capture = capture("retry", 20_000, List.of("-V"), List.of(List.of()));
    Trace trace = TraceReader.read(capture.pcap(), capture.keyLog(), PORT);

    assertTrue(trace.fromServer().retry() > 0, trace.toString());
    assertTrue(trace.retry().initialsAfter() > 0, trace.toString());
    assertEquals(trace.retry().initialsAfter(), trace.retry().withToken(), trace.toString());
    assertEquals(1, trace.handshakes().size(), "the Retry's SCID is no handshake: " + trace);
    assertEquals(List.of(), TraceChecks.failures("retry", trace));
    assertHasFailure(TraceChecks.failures("handshake", trace), "expected no Retry, found");
  }

  @Test
  void resumedSecondConnectionHasNoCertificate() throws Exception {
    Capture capture = capture("resumption", 20_000, List.of(), List.of(List.of(), List.of()));
    Trace trace = TraceReader.read(capture.pcap(), capture.keyLog(), PORT);

    assertEquals(2, trace.handshakes().size(), trace.toString());
    assertTrue(trace.handshakes().get(0).certificate(), trace.toString());
    assertTrue(trace.handshakes().get(1).decrypted() && !trace.handshakes().get(1).certificate(),
        trace.toString());
    assertEquals(List.of(), TraceChecks.failures("resumption", trace));
    assertEquals(List.of(), TraceChecks.failures("multiconnect", trace, 2));
    assertHasFailure(TraceChecks.failures("handshake", trace), "expected 1 handshake");
    assertHasFailure(TraceChecks.failures("multiconnect", trace, 3), "expected 3 handshakes");
    if (trace.fromClient().zeroRtt() > 0) { // gtlsclient 0.12 sends its request as 0-RTT when resuming
      assertTrue(trace.fromClient().zeroRttBytes() > 0, trace.toString());
      assertEquals(List.of(), TraceChecks.failures("zerortt", trace));
    }
  }

  @Test
  void keyUpdateShowsKeyPhaseOneFromBothSides() throws Exception {
    Capture capture = capture("keyupdate", 500_000, List.of(), List.of(List.of("--key-update=1ms")));
    Trace trace = TraceReader.read(capture.pcap(), capture.keyLog(), PORT);

    assertEquals(List.of(), TraceChecks.failures("keyupdate", trace), trace.toString());
    assertEquals(0, trace.oversizedDatagrams(), trace.toString());
    assertEquals(0, trace.undecryptable(), "tshark 4.0 follows the key update: " + trace);
    assertHasFailure(TraceChecks.failures("keyupdate", TraceReader.read(capture.pcap(), null, PORT)), "key log");
  }

  /** A finished capture: the pcap and the client's key log. */
  private record Capture(Path pcap, Path keyLog) {}

  /**
   * Serves a file of {@code size} bytes with gtlsserver ({@code serverOptions} added) and fetches it once per
   * entry of {@code clientRuns} (each that run's extra options), all runs sharing one session and
   * transport-parameter file so that the second resumes the first, while tcpdump captures UDP to and from
   * {@link #PORT}.
   */
  private static Capture capture(String name, long size, List<String> serverOptions,
      List<List<String>> clientRuns) throws Exception {
    Path work = WorkDirs.create("trace-" + name);
    Path file = RandomFiles.create(work.resolve("www/file"), size, size);
    Path pcap = work.resolve(name + ".pcap");
    Path keyLog = work.resolve("client.keylog");
    try (NetworkNamespaces namespaces = new NetworkNamespaces()) {
      String ns = namespaces.create("trace");
      // Make the kernel cut UDP GSO sends into datagrams before tcpdump's tap sees them (see TraceReader).
      run(List.of("ip", "-n", ns, "link", "set", "lo", "gso_max_segs", "1"), work, "gso");
      List<String> server = new ArrayList<>(List.of("/usr/sbin/gtlsserver", "-q"));
      server.addAll(serverOptions);
      server.addAll(List.of("-d", work.resolve("www").toString(), "127.0.0.1", Integer.toString(PORT),
          key.toString(), cert.toString()));
      try (BackgroundProcess gtlsserver = BackgroundProcess.start(NetworkNamespaces.inside(ns, server), work,
              "gtlsserver");
          // -B: in immediate mode libpcap's ring holds 2 MiB / snapshot length frames, 8 at -s 0: a 500 kB
          // loopback burst then loses hundreds of packets ("dropped by kernel"). 64 MiB holds 256.
          BackgroundProcess tcpdump = BackgroundProcess.start(NetworkNamespaces.inside(ns, List.of("tcpdump",
              "-i", "lo", "-n", "-U", "--immediate-mode", "-s", "0", "-B", "65536", "-w", pcap.toString(),
              "udp port " + PORT)), work, "tcpdump")) {
        awaitUdpPortInNamespace(gtlsserver);
        tcpdump.awaitOutput("listening on", Duration.ofSeconds(10));
        for (int i = 0; i < clientRuns.size(); i++) {
          Path download = work.resolve("download-" + i);
          Files.createDirectories(download);
          List<String> client = new ArrayList<>(List.of("env", "SSLKEYLOGFILE=" + keyLog, "/usr/bin/gtlsclient",
              "-q", "--exit-on-all-streams-close", "--download=" + download,
              "--session-file=" + work.resolve("session.pem"), "--tp-file=" + work.resolve("tp.txt")));
          client.addAll(clientRuns.get(i));
          client.addAll(List.of("127.0.0.1", Integer.toString(PORT), "https://127.0.0.1:" + PORT + "/file"));
          ProcessRunner.Result result = ProcessRunner.run(NetworkNamespaces.inside(ns, client), work,
              "gtlsclient-" + i, RUN);
          Path got = download.resolve("file");
          assertTrue(!result.timedOut() && Files.isRegularFile(got)
              && Hashes.sha256(got).equals(Hashes.sha256(file)), "run " + i + " did not fetch the file: exit "
              + result.exitCode() + ", " + result.stderrText() + "\nserver: " + gtlsserver.logText());
        }
        Thread.sleep(200); // the last CONNECTION_CLOSE and whatever answers it
        tcpdump.terminate(Duration.ofSeconds(5));
        assertTrue(Pattern.compile("(?m)^0 packets dropped by kernel").matcher(tcpdump.logText()).find(),
            "tcpdump lost packets: " + tcpdump.logText());
      }
    }
    assertTrue(Files.size(pcap) > 24, "empty capture " + pcap);
    return new Capture(pcap, keyLog);
  }

  /**
   * Waits until gtlsserver has bound {@link #PORT}. {@code BoundPorts} reads this JVM's namespace's socket table;
   * the server's is {@code /proc/PID/net/udp} ({@code ip netns exec} execs the program, so the PID is its).
   */
  private static void awaitUdpPortInNamespace(BackgroundProcess server) throws Exception {
    Path table = Path.of("/proc", Long.toString(server.pid()), "net", "udp");
    String local = String.format(Locale.ROOT, ":%04X", PORT);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && server.isAlive()) {
      try {
        if (Files.readAllLines(table).stream().anyMatch(l -> l.trim().split("\\s+")[1].endsWith(local))) {
          return;
        }
      } catch (IOException | ArrayIndexOutOfBoundsException notYet) {
        // the process is still becoming gtlsserver
      }
      Thread.sleep(20);
    }
    throw new AssertionError("gtlsserver did not bind UDP " + PORT + ":\n" + server.logText());
  }

  private static void run(List<String> command, Path dir, String name) {
    ProcessRunner.Result result = ProcessRunner.run(command, dir, name, RUN);
    assertEquals(0, result.exitCode(), command + ": " + result.stderrText());
  }

  private static void assertHasFailure(List<String> failures, String fragment) {
    assertTrue(failures.stream().anyMatch(f -> f.contains(fragment)), "no \"" + fragment + "\" in " + failures);
  }
}
