package dev.ferry.interop.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.support.BackgroundProcess;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.NetworkNamespaces;
import dev.ferry.interop.support.ProcessRunner;
import dev.ferry.interop.support.WorkDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ferry's interop server ({@code ferry interop server}, the runner's contract) judged by quic-go's interop client,
 * the runner's own kind of peer, both in a network namespace of the test's on the runner's UDP port 443: for each
 * case the client exits 0 and every file it downloaded is hash-equal to the one served. Where the case promises
 * something on the wire, the client's qlog must show it: a Retry in {@code retry}, 0-RTT packets in
 * {@code zerortt}. A case the server cannot take part in exits 127 at once, as the runner expects.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class QuicGoClientIT {
  private static NetworkNamespaces namespaces;
  private static String net;
  private static Path work;
  private static Path www;
  private static Path certs;
  private static List<Path> files;

  @BeforeAll
  static void setUp() throws Exception {
    InteropPeers.requireQuicGo();
    work = WorkDirs.create("quic-go-client");
    InteropPeers.Served served = InteropPeers.Served.create(work, 1);
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

  @ParameterizedTest
  @ValueSource(strings = {"handshake", "transfer", "retry", "resumption", "zerortt", "multiconnect", "http3"})
  void quicGosClientDownloadsEveryFileIntact(String testCase) throws Exception {
    Path caseDir = Files.createDirectories(work.resolve(testCase));
    try (BackgroundProcess server = InteropPeers.ferryServer(net, testCase, www, certs, caseDir)) {
      List<Path> wanted = testCase.equals("handshake") ? files.subList(0, 1) : files;
      List<String> urls = wanted.stream().map(f -> "https://127.0.0.1:443/" + f.getFileName()).toList();
      Path downloads = caseDir.resolve("downloads");
      Path logs = caseDir.resolve("logs");
      ProcessRunner.Result client = InteropPeers.quicGoClient(net, testCase, downloads, logs, caseDir, urls);
      assertEquals(0, client.exitCode(), testCase + ": quic-go client failed:\n" + client.stderrText()
          + "\nserver:\n" + server.logText());
      for (Path file : wanted) {
        Path got = downloads.resolve(file.getFileName());
        assertTrue(Files.isRegularFile(got), testCase + ": " + file.getFileName() + " not downloaded");
        assertEquals(Hashes.sha256(file), Hashes.sha256(got), testCase + ": " + file.getFileName());
      }
      String qlog = InteropPeers.qlogs(logs);
      if (testCase.equals("retry")) {
        assertTrue(qlog.contains("\"packet_type\":\"retry\""), "no Retry in the client's qlog");
      }
      if (testCase.equals("zerortt")) {
        assertTrue(qlog.contains("\"packet_type\":\"0RTT\""), "no 0-RTT packet in the client's qlog");
      }
      if (testCase.equals("transfer")) {
        // quiche buffers a qlog and writes it out when the connection is freed: stop the server (SIGTERM, a
        // graceful close) before reading, or the file may end mid-record.
        server.terminate(Duration.ofSeconds(15));
        assertServerQlogs(caseDir.resolve("server-qlog"));
      }
    }
  }

  /**
   * Ferry's server wrote one qlog file per connection (QLOGDIR), each a JSON text sequence (RFC 7464): records led
   * by the RS character, each a JSON object, the first the qlog header naming JSON-SEQ.
   */
  private static void assertServerQlogs(Path dir) throws Exception {
    List<Path> files;
    try (var listing = Files.list(dir)) {
      files = listing.filter(f -> f.toString().endsWith(".qlog")).toList();
    }
    assertEquals(1, files.size(), "one connection, one qlog file: " + files);
    String text = Files.readString(files.get(0), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(text.startsWith("\u001e"), "a JSON-SEQ record starts with RS");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    String[] records = text.substring(1).split("\u001e");
    assertTrue(records.length > 10, "a transfer logs many events: " + records.length);
    for (String record : records) {
      assertTrue(json.readTree(record).isObject(), "not a JSON object: " + record);
    }
    assertEquals("JSON-SEQ", json.readTree(records[0]).path("serialization_format").asText(), records[0]);
  }

  @Test
  void aCaseTheServerCannotDoExits127AndAnUnknownOneToo() throws Exception {
    for (String testCase : List.of("chacha20", "v2", "no-such-case")) {
      Path caseDir = Files.createDirectories(work.resolve("unsupported-" + testCase));
      BackgroundProcess server = BackgroundProcess.start(NetworkNamespaces.inside(net, List.of("env",
          "ROLE=server", "TESTCASE=" + testCase, "PORT=443", "WWW=" + www, "CERTS=" + certs,
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          dev.ferry.interop.support.FerryServeProcess.classPathWithout(e -> e.contains("test-classes")),
          "dev.ferry.app.FerryMain", "interop", "server")), caseDir, "ferry-" + testCase);
      assertTrue(server.waitFor(Duration.ofSeconds(30)), testCase + ": still running");
      assertEquals(127, server.exitCode(), testCase + ": " + server.logText());
      assertTrue(server.logText().contains("unsupported test case"), server.logText());
    }
  }
}
