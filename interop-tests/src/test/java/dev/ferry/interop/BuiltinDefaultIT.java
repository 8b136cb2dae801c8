package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.cli.GetCommand;
import dev.ferry.interop.support.FreePorts;
import dev.ferry.interop.support.WorkDirs;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Proves what a new user sees first: {@code ferry serve} with no configuration, run as its own JVM the way
 * {@code bin/ferry} runs it, answers an HTTP/3 GET from {@code ferry get -k} with 200 and the built-in origin's
 * welcome text; it generates its certificate into the state directory and reuses the same certificate on the next
 * start; SIGTERM (what Ctrl-C and {@code kill} send) stops it cleanly through its shutdown hook within 10 s.
 */
class BuiltinDefaultIT {

  private static final Duration STARTUP = Duration.ofSeconds(20);
  private static final String CERT = "listener-default.crt.pem";
  private static final String KEY = "listener-default.key.pem";

  @Test
  void servesBuiltinOriginWithoutConfigAndReusesItsCertificateAfterRestart() throws Exception {
    Path work = WorkDirs.create("builtin-default");
    Path state = work.resolve("state");

    byte[] firstCert;
    try (Serve serve = Serve.start(work.resolve("run1"), state)) {
      assertBuiltinOriginAnswers(serve.url("/"), work.resolve("run1"));
      assertTrue(Files.isRegularFile(state.resolve(CERT)), "certificate not generated into " + state);
      assertTrue(Files.isRegularFile(state.resolve(KEY)), "private key not generated into " + state);
      firstCert = Files.readAllBytes(state.resolve(CERT));
      assertTrue(new String(firstCert, StandardCharsets.US_ASCII).startsWith("-----BEGIN CERTIFICATE-----"));
      serve.assertStopsOnSigterm();
    }

    byte[] firstKey = Files.readAllBytes(state.resolve(KEY));
    try (Serve serve = Serve.start(work.resolve("run2"), state)) {
      assertBuiltinOriginAnswers(serve.url("/"), work.resolve("run2"));
      assertArrayEquals(firstCert, Files.readAllBytes(state.resolve(CERT)), "certificate regenerated on restart");
      assertArrayEquals(firstKey, Files.readAllBytes(state.resolve(KEY)), "key regenerated on restart");
      serve.assertStopsOnSigterm();
    }
  }

  private static void assertBuiltinOriginAnswers(String url, Path dir) throws IOException {
    Path body = dir.resolve("body.txt");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new CommandLine(new GetCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)))
        .execute("-k", "-v", "--timeout", "15s", "-o", body.toString(), url);

    String diagnostics = err.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, diagnostics);
    assertTrue(diagnostics.contains("< :status: 200"), diagnostics);
    String text = Files.readString(body, StandardCharsets.UTF_8);
    assertTrue(text.startsWith("Ferry built-in origin"), text);
  }

  /** One {@code ferry serve} JVM with its stdout and stderr in files. */
  private static final class Serve implements AutoCloseable {
    private final Process process;
    private final Path stderr;
    private final int port;

    private Serve(Process process, Path stderr, int port) {
      this.process = process;
      this.stderr = stderr;
      this.port = port;
    }

    static Serve start(Path dir, Path state) throws Exception {
      Files.createDirectories(dir);
      int port = FreePorts.udp();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          "dev.ferry.app.FerryMain", "serve", "--listen", "127.0.0.1:" + port, "--state-dir", state.toString());
      Path stderr = dir.resolve("serve.stderr");
      Process process = new ProcessBuilder(command).directory(dir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(dir.resolve("serve.stdout").toFile()).redirectError(stderr.toFile()).start();
      Serve serve = new Serve(process, stderr, port);
      try {
        serve.awaitBanner();
      } catch (Throwable t) {
        serve.close();
        throw t;
      }
      return serve;
    }

    String url(String path) {
      return "https://127.0.0.1:" + port + path;
    }

    private void awaitBanner() throws Exception {
      String expected = "ferry: listening on https://127.0.0.1:" + port + " ";
      long deadline = System.nanoTime() + STARTUP.toNanos();
      while (System.nanoTime() < deadline) {
        if (stderrText().contains(expected)) {
          return;
        }
        if (!process.isAlive()) {
          throw new AssertionError("ferry serve exited with " + process.exitValue() + ":\n" + stderrText());
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no banner \"" + expected + "\" after " + STARTUP + ":\n" + stderrText());
    }

    /** SIGTERM, as Ctrl-C or {@code kill} would send: the shutdown hook must close everything and let it exit. */
    void assertStopsOnSigterm() throws Exception {
      process.destroy();
      boolean exited = process.waitFor(10, TimeUnit.SECONDS);
      assertTrue(exited, "ferry serve still running 10 s after SIGTERM:\n" + stderrText());
      assertTrue(stderrText().contains("ferry: shutting down"), "shutdown hook did not run:\n" + stderrText());
      // 128 + SIGTERM: the JVM ran its hooks and exited on the signal rather than crashing.
      assertEquals(143, process.exitValue(), stderrText());
    }

    String stderrText() throws IOException {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }
}
