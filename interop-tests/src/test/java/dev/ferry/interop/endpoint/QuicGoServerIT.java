package dev.ferry.interop.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.support.BackgroundProcess;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.NetworkNamespaces;
import dev.ferry.interop.support.PacketCapture;
import dev.ferry.interop.support.ProcessRunner;
import dev.ferry.interop.support.WorkDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ferry's interop client ({@code ferry interop client}, the runner's contract) against quic-go's interop server,
 * both in a network namespace of the test's on UDP 443: for each case the client exits 0 and every file it saved
 * is hash-equal to the one served. In {@code retry} a capture shows the server's Retry; in
 * {@code resumption} the second connection resumed its TLS session (no certificate was offered for checking) and
 * the first did not; in {@code zerortt} the second also sent its requests as 0-RTT, which quic-go's qlog shows it
 * received; in {@code multiconnect} each file came on a connection of its own.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class QuicGoServerIT {
  private static final Pattern RESUMED = Pattern.compile("TLS session resumed: (yes|no|unknown)");
  private static final Pattern ZERO_RTT = Pattern.compile("requests in 0-RTT: (yes|no)");
  private static NetworkNamespaces namespaces;
  private static String net;
  private static Path work;
  private static Path www;
  private static Path certs;
  private static List<Path> files;

  @BeforeAll
  static void setUp() throws Exception {
    InteropPeers.requireQuicGo();
    work = WorkDirs.create("quic-go-server");
    InteropPeers.Served served = InteropPeers.Served.create(work, 11);
    www = served.www();
    certs = served.certs();
    files = served.files();
    namespaces = new NetworkNamespaces();
    net = InteropPeers.namespace(namespaces, "interop", work);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (namespaces != null) {
      namespaces.close();
    }
  }

  private static long qlogFiles(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".qlog")).count();
    }
  }

  private static boolean serverQlogsMention(Path dir, String text) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        if (Files.readString(f, java.nio.charset.StandardCharsets.UTF_8).contains(text)) {
          return true;
        }
      }
    }
    return false;
  }

  @ParameterizedTest
  @ValueSource(strings = {"handshake", "transfer", "retry", "resumption", "zerortt", "multiconnect", "http3"})
  void ferrysClientDownloadsEveryFileIntact(String testCase) throws Exception {
    Path caseDir = Files.createDirectories(work.resolve(testCase));
    Path logs = caseDir.resolve("server-logs");
    try (BackgroundProcess server = InteropPeers.quicGoServer(net, testCase, www, certs, logs, caseDir)) {
      List<Path> wanted = testCase.equals("handshake") ? files.subList(0, 1) : files;
      List<String> urls = wanted.stream().map(f -> "https://127.0.0.1:443/" + f.getFileName()).toList();
      Path downloads = caseDir.resolve("downloads");
      // quic-go sends a Retry before the connection exists, so its per-connection qlog cannot show it: the
      // capture does.
      PacketCapture capture = testCase.equals("retry") ? PacketCapture.start(net, caseDir, "retry") : null;
      ProcessRunner.Result client = InteropPeers.ferryClient(net, testCase, downloads, caseDir, urls);
      if (capture != null) {
        capture.stop();
      }
      String stderr = client.stderrText();
      assertEquals(0, client.exitCode(), testCase + ": ferry's client failed:\n" + stderr + "\nserver:\n"
          + server.logText());
      for (Path file : wanted) {
        Path got = downloads.resolve(file.getFileName());
        assertTrue(Files.isRegularFile(got), testCase + ": " + file.getFileName() + " not downloaded");
        assertEquals(Hashes.sha256(file), Hashes.sha256(got), testCase + ": " + file.getFileName());
      }
      List<String> resumed = RESUMED.matcher(stderr).results().map(m -> m.group(1)).toList();
      switch (testCase) {
        case "retry" -> assertTrue(capture.packetsMatching("quic.long.packet_type == 3") >= 1,
            "no Retry packet in the capture " + capture.file());
        case "resumption" -> assertEquals(List.of("no", "yes"), resumed, stderr);
        case "zerortt" -> {
          assertEquals(List.of("no", "yes"), resumed, stderr);
          assertEquals(List.of("no", "yes"), ZERO_RTT.matcher(stderr).results().map(m -> m.group(1)).toList(),
              stderr);
          assertTrue(serverQlogsMention(logs.resolve("qlog"), "\"0RTT\""),
              "quic-go's qlog shows no 0-RTT packet received, in " + logs.resolve("qlog"));
        }
        case "multiconnect" -> {
          assertEquals(wanted.size(), resumed.size(), "one connection per file: " + stderr);
          assertEquals(wanted.size(), qlogFiles(caseDir.resolve("client-qlog")), "a qlog file per connection");
        }
        case "transfer", "http3" -> assertEquals(1, qlogFiles(caseDir.resolve("client-qlog")),
            "one connection, one qlog file (QLOGDIR)");
        default -> { }
      }
    }
  }
}
