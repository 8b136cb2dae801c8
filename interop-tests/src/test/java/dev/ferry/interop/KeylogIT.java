package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.support.BackgroundProcess;
import dev.ferry.interop.support.FerryServeProcess;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.NetworkNamespaces;
import dev.ferry.interop.support.PacketCapture;
import dev.ferry.interop.support.ProcessRunner;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.WorkDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A listener's {@code tls.keylog-file}: {@code ferry serve} in a network namespace of the test's writes the TLS
 * secrets of its QUIC connections there, owner-only, and says so loudly at start; with that file, tshark decrypts a
 * capture of gtlsclient's request and shows its HTTP/3 request head, which the capture alone does not reveal.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeylogIT {
  private static final int PORT = 8443;
  private static final String SECRET_PATH = "/only-the-keylog-reveals-this.bin";

  @Test
  void theKeylogFileDecryptsACaptureOfTheListenersTraffic() throws Exception {
    Path work = WorkDirs.create("keylog");
    Path www = Files.createDirectories(work.resolve("www"));
    RandomFiles.create(www.resolve(SECRET_PATH.substring(1)), 5_000, 3);
    Path keylog = work.resolve("keys.log");
    Path config = Files.writeString(work.resolve("ferry.yaml"), """
        state-dir: %s
        listeners:
          - address: 127.0.0.1:%d
            tls: {keylog-file: %s}
            tcp: {enabled: false}
        origins:
          www: {protocol: files, root: %s}
        """.formatted(work.resolve("state"), PORT, keylog, www));
    try (NetworkNamespaces namespaces = new NetworkNamespaces()) {
      String ns = namespaces.create("keylog");
      // The relay sends with UDP GSO: on loopback a capture would see whole GSO buffers of several packets, which
      // tshark cannot decrypt. One segment per packet, as on a wire.
      ProcessRunner.Result gso = ProcessRunner.run(List.of("ip", "-n", ns, "link", "set", "dev", "lo",
          "gso_max_segs", "1"), work, "gso", Duration.ofSeconds(10));
      assertEquals(0, gso.exitCode(), gso.stderrText());
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      try (BackgroundProcess ferry = BackgroundProcess.start(NetworkNamespaces.inside(ns, List.of(java, "-Xmx256m",
          "-cp", FerryServeProcess.classPathWithout(e -> e.contains("test-classes")), "dev.ferry.app.FerryMain",
          "serve", "--config", config.toString())), work, "ferry")) {
        ferry.awaitOutput("ferry: listening on https://127.0.0.1:" + PORT, Duration.ofSeconds(30));
        assertTrue(ferry.logText().contains("WARNING: keylog-file is set"), "no warning at start:\n"
            + ferry.logText());

        PacketCapture capture = PacketCapture.start(ns, work, "keylog");
        String url = "https://127.0.0.1:" + PORT + SECRET_PATH;
        GtlsClient.Result get = GtlsClient.connect("127.0.0.1", PORT).inNamespace(ns)
            .timeout(Duration.ofSeconds(30)).fetch(work.resolve("client"), url);
        capture.stop();
        assertEquals(200, get.status(0).orElse(-1), get.stderr());

        assertTrue(Files.size(keylog) > 0, "nothing in the key log");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keylog)));
        assertFalse(capture.contains(SECRET_PATH), "the path must not be readable without the keys");
        List<List<Map.Entry<String, String>>> heads = capture.decryptedRequestHeads(keylog, PORT);
        assertTrue(heads.stream().flatMap(List::stream)
            .anyMatch(f -> f.getKey().equals(":path") && f.getValue().equals(SECRET_PATH)),
            "tshark with the key log must show the request head: " + heads);
      }
    }
  }
}
