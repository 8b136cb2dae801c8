package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.cli.GetCommand;
import dev.ferry.interop.support.FerryServeProcess;
import dev.ferry.interop.support.FreePorts;
import dev.ferry.interop.support.ProcessRunner;
import dev.ferry.interop.support.WorkDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Proves what a new user sees first: {@code ferry serve} with no configuration, run as its own JVM the way
 * {@code bin/ferry} runs it, answers an HTTP/3 GET from {@code ferry get -k} with 200 and the built-in origin's
 * welcome text, and curl over HTTP/2 on the same port (TCP) gets the same page with {@code alt-svc: h3=":PORT"};
 * it generates its certificate into the state directory and reuses the same certificate on the next
 * start; SIGTERM (what Ctrl-C and {@code kill} send) stops it cleanly through its shutdown hook within 10 s.
 */
class BuiltinDefaultIT {

  private static final String CERT = "listener-default.crt.pem";
  private static final String KEY = "listener-default.key.pem";

  @Test
  void servesBuiltinOriginWithoutConfigAndReusesItsCertificateAfterRestart() throws Exception {
    Path work = WorkDirs.create("builtin-default");
    Path state = work.resolve("state");

    byte[] firstCert;
    try (FerryServeProcess serve = serve(work.resolve("run1"), state)) {
      assertBuiltinOriginAnswers(serve.url("/"), work.resolve("run1"));
      assertCurlOverTcpIsToldOfHttp3(serve.url("/"), work.resolve("run1"));
      assertTrue(Files.isRegularFile(state.resolve(CERT)), "certificate not generated into " + state);
      assertTrue(Files.isRegularFile(state.resolve(KEY)), "private key not generated into " + state);
      firstCert = Files.readAllBytes(state.resolve(CERT));
      assertTrue(new String(firstCert, StandardCharsets.US_ASCII).startsWith("-----BEGIN CERTIFICATE-----"));
      serve.assertStopsOnSigterm();
    }

    byte[] firstKey = Files.readAllBytes(state.resolve(KEY));
    try (FerryServeProcess serve = serve(work.resolve("run2"), state)) {
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

  /** A browser's first visit: HTTP/2 over TCP on the same port, answered with Alt-Svc pointing at HTTP/3. */
  private static void assertCurlOverTcpIsToldOfHttp3(String url, Path dir) throws IOException {
    int port = java.net.URI.create(url).getPort();
    ProcessRunner.Result curl = ProcessRunner.run(java.util.List.of("curl", "-sS", "-k", "--http2", "-D", "-",
        "-o", dir.resolve("curl-body.txt").toString(), "-w", "%{http_version}", url), dir, "curl-h2",
        java.time.Duration.ofSeconds(30));
    assertEquals(0, curl.exitCode(), curl.stderrText());
    String out = curl.stdoutText();
    assertTrue(out.startsWith("HTTP/2 200"), out);
    assertTrue(out.contains("alt-svc: h3=\":" + port + "\"; ma=86400"), out);
    assertTrue(out.endsWith("2"), "curl's HTTP version: " + out);
    assertTrue(Files.readString(dir.resolve("curl-body.txt")).startsWith("Ferry built-in origin"));
  }

  private static FerryServeProcess serve(Path dir, Path state) throws Exception {
    int port = FreePorts.udpAndTcp();
    return FerryServeProcess.serve(dir, System.getProperty("java.class.path"), java.util.Map.of(), port,
        "--listen", "127.0.0.1:" + port, "--state-dir", state.toString());
  }
}
