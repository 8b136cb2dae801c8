package dev.ferry.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.ProcessRunner;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.PatternBytes;
import dev.ferry.testorigin.RecordedRequest;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TCP side of a listener, driven by curl (HTTP/2 and HTTP/1.1 over TLS on the port of the HTTP/3 listener):
 * downloads hash-equal, an upload echoed byte for byte, {@code alt-svc: h3=":PORT"} on every answer, and the
 * request malformations of RFC 9112 that could smuggle a second request (CL with TE, duplicate CL, obs-fold, bare
 * LF, whitespace before the colon, a bad chunk size) refused with 400 before anything reaches the origin, which
 * records every request it gets; and nghttp2's h2load, 2,000 requests over HTTP/2 (50 streams per connection)
 * and over HTTP/1.1, every one answered 2xx.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpListenerIT {
  private static final Duration CURL_TIMEOUT = Duration.ofSeconds(60);
  private static final int TEN_MIB = 10 * 1024 * 1024;

  private static BuiltinOrigin origin;
  private static FerryRelay relay;
  private static Path work;

  @BeforeAll
  static void start() throws Exception {
    work = WorkDirs.create("tcp-listener");
    origin = BuiltinOrigin.builder().build().start();
    relay = FerryRelay.start(work.resolve("state"), FerryRelay.h1("builtin", origin.address()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) {
      relay.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  static Stream<String> versions() {
    return Stream.of("--http2", "--http1.1");
  }

  @ParameterizedTest(name = "curl {0}")
  @MethodSource("versions")
  void downloadsCarryAltSvcAndArriveIntact(String version) throws Exception {
    String name = "get" + version.replace("-", "").replace(".", "");
    Path body = work.resolve(name + ".bin");
    Path headers = work.resolve(name + ".headers");
    ProcessRunner.Result curl = ProcessRunner.run(List.of("curl", "-sS", "-k", version, "--max-time", "60",
        "-o", body.toString(), "-D", headers.toString(), "-w", "%{http_code} %{http_version}",
        "https://127.0.0.1:" + relay.port() + "/bytes/" + TEN_MIB), work, name, CURL_TIMEOUT);
    assertEquals(0, curl.exitCode(), curl.stderrText());
    String expectedVersion = version.equals("--http2") ? "2" : "1.1";
    assertEquals("200 " + expectedVersion, curl.stdoutText().trim());
    assertEquals(Hashes.sha256(PatternBytes.bytes(0, TEN_MIB)), Hashes.sha256(body));
    String head = Files.readString(headers).toLowerCase(Locale.ROOT);
    assertTrue(head.contains("alt-svc: h3=\":" + relay.port() + "\"; ma=86400"), head);
    assertTrue(head.contains("via: "), head);
  }

  @ParameterizedTest(name = "curl {0}")
  @MethodSource("versions")
  void anUploadIsEchoedByteForByte(String version) throws Exception {
    String name = "echo" + version.replace("-", "").replace(".", "");
    byte[] data = new byte[8 * 1024 * 1024 + 17];
    new SecureRandom().nextBytes(data);
    Path in = work.resolve(name + ".in");
    Path out = work.resolve(name + ".out");
    Files.write(in, data);
    ProcessRunner.Result curl = ProcessRunner.run(List.of("curl", "-sS", "-k", version, "--max-time", "60",
        "-H", "content-type: application/octet-stream", "--data-binary", "@" + in, "-o", out.toString(),
        "-w", "%{http_code}", "https://127.0.0.1:" + relay.port() + "/echo"), work, name, CURL_TIMEOUT);
    assertEquals(0, curl.exitCode(), curl.stderrText());
    assertEquals("200", curl.stdoutText().trim());
    assertEquals(Hashes.sha256(data), Hashes.sha256(out));
  }

  static Stream<Arguments> loadModes() {
    return Stream.of(Arguments.of("h2", List.<String>of()), Arguments.of("h1", List.of("--h1")));
  }

  /** nghttp2's h2load, an independent client: many streams per connection (HTTP/2), or keep-alive (HTTP/1.1). */
  @ParameterizedTest(name = "h2load {0}")
  @MethodSource("loadModes")
  void h2loadGetsEveryAnswer(String name, List<String> mode) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("h2load", "-n", "2000", "-c", "4"));
    if (mode.isEmpty()) {
      command.addAll(List.of("-m", "50"));
    }
    command.addAll(mode);
    command.add("https://127.0.0.1:" + relay.port() + "/bytes/512");
    ProcessRunner.Result run = ProcessRunner.run(command, work, "h2load-" + name, CURL_TIMEOUT);
    String out = run.stdoutText();
    assertEquals(0, run.exitCode(), out + run.stderrText());
    assertTrue(out.contains("2000 succeeded, 0 failed, 0 errored, 0 timeout"), out);
    assertTrue(out.contains("status codes: 2000 2xx"), out);
  }

  static Stream<Arguments> smuggling() {
    String host = "Host: ferry.test\r\n";
    return Stream.of(
        Arguments.of("Content-Length with Transfer-Encoding", "POST /sink HTTP/1.1\r\n" + host
            + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n" + host
            + "\r\n", 400),
        Arguments.of("two Content-Length fields", "POST /sink HTTP/1.1\r\n" + host
            + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
        Arguments.of("a Content-Length list", "POST /sink HTTP/1.1\r\n" + host
            + "Content-Length: 5, 5\r\n\r\nhello", 400),
        Arguments.of("obs-fold", "GET /headers HTTP/1.1\r\n" + host + "X-A: 1\r\n folded\r\n\r\n", 400),
        Arguments.of("bare LF", "GET /headers HTTP/1.1\n" + host + "\r\n", 400),
        Arguments.of("bare LF between fields", "GET /headers HTTP/1.1\r\n" + host + "X-A: 1\nX-B: 2\r\n\r\n", 400),
        Arguments.of("whitespace before the colon", "GET /headers HTTP/1.1\r\nHost : ferry.test\r\n\r\n", 400),
        Arguments.of("chunk size with 0x", "POST /sink HTTP/1.1\r\n" + host
            + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", 400),
        Arguments.of("chunked not last", "POST /sink HTTP/1.1\r\n" + host
            + "Transfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400),
        Arguments.of("no Host", "GET /headers HTTP/1.1\r\n\r\n", 400),
        Arguments.of("two Host fields", "GET /headers HTTP/1.1\r\n" + host + host + "\r\n", 400),
        Arguments.of("an unknown transfer coding", "POST /sink HTTP/1.1\r\n" + host
            + "Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 501));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smuggling")
  void requestSyntaxThatCouldSmuggleIsRefusedBeforeTheOrigin(String name, String request, int status)
      throws Exception {
    // requestCount(), not requests().size(): the record is capped, and a full one would hide a new arrival.
    int before = origin.requestCount();
    String answer = sendRaw(request);
    assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), name + ": " + answer);
    assertTrue(answer.toLowerCase(Locale.ROOT).contains("proxy-status: ferry; error=http_request_error"),
        answer);
    assertTrue(answer.toLowerCase(Locale.ROOT).contains("connection: close"), answer);
    // An absence cannot be awaited: nothing signals that a request will never reach the origin. The relay has
    // answered and closed by now, so anything it forwarded is already on its way over loopback; the pause lets it
    // land and be counted. A later arrival would be missed, never reported falsely.
    Thread.sleep(100);
    int arrived = origin.requestCount() - before;
    List<RecordedRequest> recent = origin.requests();
    assertEquals(0, arrived, name + ": the origin received "
        + recent.subList(Math.max(0, recent.size() - arrived), recent.size()));
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
    String host = "Host: ferry.test\r\n";
    String answer = sendRaw("GET /bytes/5 HTTP/1.1\r\n" + host + "\r\n"
        + "POST /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\n"
        + "X-Trailer: 1\r\n\r\n"
        + "GET /status/404 HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
    List<Integer> statuses = new ArrayList<>();
    int at = 0;
    while ((at = answer.indexOf("HTTP/1.1 ", at)) >= 0) {
      statuses.add(Integer.parseInt(answer.substring(at + 9, at + 12)));
      at += 12;
    }
    assertEquals(List.of(200, 200, 404), statuses, answer);
    // The echo comes back chunked as the origin chunks it, with the origin's trailer after the last chunk.
    int echo = answer.indexOf("HTTP/1.1 200", 1);
    String echoed = answer.substring(echo, answer.indexOf("HTTP/1.1 404"));
    assertTrue(echoed.contains("transfer-encoding: chunked"), echoed);
    assertTrue(echoed.indexOf("abc") >= 0 && echoed.indexOf("de", echoed.indexOf("abc")) > 0, echoed);
    assertTrue(echoed.contains("\r\n0\r\nx-body-bytes: 5\r\n\r\n"), echoed);
  }

  @Test
  void aRequestAnsweredBeforeItsBodyClosesTheConnectionInsteadOfHanging() throws Exception {
    // Via naming this relay is a loop (502 proxy_loop_detected), decided before the body is read.
    String answer = sendRaw("POST /echo HTTP/1.1\r\nHost: ferry.test\r\nVia: 1.1 ferry\r\n"
        + "Content-Length: 5\r\n\r\nhello");
    assertTrue(answer.startsWith("HTTP/1.1 502 ") && answer.contains("error=proxy_loop_detected"), answer);
    assertTrue(answer.toLowerCase(Locale.ROOT).contains("connection: close"), answer);
  }

  @Test
  void aMalformedSecondRequestOnAConnectionStillGetsItsOwnAnswer() throws Exception {
    String answer = sendRaw("GET /bytes/3 HTTP/1.1\r\nHost: ferry.test\r\n\r\n"
        + "GET /headers HTTP/1.1\nHost: ferry.test\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
    assertTrue(answer.contains("HTTP/1.1 400 "), "the second request must be answered 400: " + answer);
  }

  /**
   * Sends {@code request} over a TLS connection that offers only http/1.1 and reads until the relay closes; a
   * relay that leaves the connection open fails the test.
   */
  private static String sendRaw(String request) throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    // The relay's certificate is self-signed for the test.
    tls.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", relay.port())) {
      SSLParameters params = socket.getSSLParameters();
      params.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(params);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) >= 0; ) {
          answer.write(buf, 0, n);
        }
      } catch (java.net.SocketTimeoutException e) {
        throw new AssertionError("the relay left the connection open after: "
            + answer.toString(StandardCharsets.ISO_8859_1), e);
      } catch (IOException e) {
        // a reset after the answer: what arrived is what counts
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
