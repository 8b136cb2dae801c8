package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.OriginConfig;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.ProcessRunner;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.WorkDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@code files} origin: the relay serves a directory itself, through the exchange driver. gtlsclient (HTTP/3)
 * and curl (HTTP/2 over TCP) download files hash-equal, several on one connection; a missing file is 404; no
 * spelling of a path reaches a file outside the directory, neither {@code ..} nor its percent-encoded forms nor a
 * symbolic link that points out; a POST is 405; the answers carry Via like any origin's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileOriginIT {

  @Test
  void servesTheDirectoryAndNothingOutsideIt() throws Exception {
    Path work = WorkDirs.create("file-origin");
    Path www = Files.createDirectories(work.resolve("www"));
    Path big = RandomFiles.create(www.resolve("ten-mib.bin"), 10L << 20, 3);
    Path small = RandomFiles.create(Files.createDirectories(www.resolve("sub")).resolve("one-kib.bin"), 1024, 4);
    Files.write(www.resolve("empty.bin"), new byte[0]);
    Path secret = Files.writeString(work.resolve("secret.txt"), "outside the root\n");
    Files.createSymbolicLink(www.resolve("escape"), secret);
    try (FerryRelay relay = FerryRelay.builder(work.resolve("state")).origin(OriginConfig.files("www", www))
        .start()) {
      String base = "https://localhost:" + relay.port();
      GtlsClient.Result h3 = GtlsClient.connect("127.0.0.1", relay.port()).timeout(Duration.ofSeconds(60))
          .fetch(work.resolve("h3"), base + "/ten-mib.bin", base + "/sub/one-kib.bin", base + "/missing.bin",
              base + "/empty.bin");
      assertEquals(200, h3.status(0).orElse(-1), h3.stderr());
      assertEquals(Hashes.sha256(big), Hashes.sha256(h3.download(base + "/ten-mib.bin").orElseThrow()));
      assertEquals(200, h3.status(1).orElse(-1));
      assertEquals(Hashes.sha256(small), Hashes.sha256(h3.download(base + "/sub/one-kib.bin").orElseThrow()));
      assertEquals(404, h3.status(2).orElse(-1));
      assertEquals(200, h3.status(3).orElse(-1));
      assertEquals(0, Files.size(h3.download(base + "/empty.bin").orElseThrow()));
      assertTrue(h3.stderr().contains(" ferry]"), "the answer carries Via: " + h3.stderr());

      Path h2 = work.resolve("h2.bin");
      ProcessRunner.Result curl = ProcessRunner.run(List.of("curl", "-sk", "--http2", "-o", h2.toString(),
          "-w", "%{http_code} %{http_version}", base + "/ten-mib.bin"), work, "curl-h2", Duration.ofSeconds(60));
      assertEquals("200 2", curl.stdoutText().trim(), curl.stderrText());
      assertEquals(Hashes.sha256(big), Hashes.sha256(h2));

      for (String outside : List.of("/../secret.txt", "/%2e%2e/secret.txt", "/sub/..%2f..%2fsecret.txt",
          "/escape", "/sub/%2e%2e/%2e%2e/secret.txt")) {
        Path answer = work.resolve("outside.txt");
        ProcessRunner.Result attempt = ProcessRunner.run(List.of("curl", "-sk", "--http2", "--path-as-is",
            "-o", answer.toString(), "-w", "%{http_code}", base + outside), work, "curl-outside",
            Duration.ofSeconds(30));
        String status = attempt.stdoutText().trim();
        assertTrue(status.equals("404") || status.equals("400"), outside + " answered " + status);
        assertFalse(Files.readString(answer).contains("outside the root"), outside + " leaked the file");
      }

      // A POST with a body the origin answers before reading: the 405 must reach curl whole, and only then the
      // RST_STREAM NO_ERROR that tells it to stop sending (RFC 9113 8.1); a reset sent too early dropped the body
      // and END_STREAM, and curl saw an empty reply.
      Path body = RandomFiles.create(work.resolve("post.bin"), 1 << 20, 5);
      ProcessRunner.Result post = ProcessRunner.run(List.of("curl", "-sSk", "--http2", "-o", "/dev/null",
          "-w", "%{http_code}", "--data-binary", "@" + body, base + "/sub/one-kib.bin"), work, "curl-post",
          Duration.ofSeconds(30));
      assertEquals("405", post.stdoutText().trim(), post.stderrText());
    }
  }
}
