package dev.ferry.interop.hostile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 origin that answers each request path with bytes a test scripted, written in one go exactly as given,
 * so that the relay receives precisely the broken response under test (no server library would send a body after a
 * 204 or two different Content-Length fields). A script may add bytes written later and unasked on the same
 * connection, which reach the relay while it holds the connection idle. The origin keeps reading requests on the
 * connection afterwards, whatever it wrote, and records which connection each request came on, so a test can see
 * whether the relay sent the next request over a connection whose framing it could no longer know. Unscripted paths
 * get an empty 404.
 */
public final class ScriptedHttp1Origin extends FramingHttp1Origin {
  private static final Script NOT_FOUND = new Script(
      "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), Duration.ZERO, null);

  /**
   * What the origin writes for one path: the response, and, if {@code late} is not null, those bytes {@code pause}
   * after it; {@code lateWritten} opens once they have been written (or their write failed) the first time.
   */
  private record Script(byte[] response, Duration pause, byte[] late, CountDownLatch lateWritten) {
    Script(byte[] response, Duration pause, byte[] late) {
      this(response, pause, late, new CountDownLatch(late == null ? 0 : 1));
    }
  }

  private final Map<String, Script> scripts = new ConcurrentHashMap<>();

  private ScriptedHttp1Origin() throws IOException {
    super("scripted-origin");
  }

  /** Starts listening on 127.0.0.1 with an ephemeral port. */
  public static ScriptedHttp1Origin start() throws IOException {
    return new ScriptedHttp1Origin();
  }

  /** Answers every request for this path (the request target, query included) with these bytes. */
  public ScriptedHttp1Origin answer(String path, byte[] response) {
    scripts.put(path, new Script(response.clone(), Duration.ZERO, null));
    return this;
  }

  /** The same, the text taken as ISO-8859-1 bytes. */
  public ScriptedHttp1Origin answer(String path, String response) {
    return answer(path, bytes(response));
  }

  /**
   * Answers every request for this path with {@code response} and then, {@code pause} later and unasked, writes
   * {@code late} on the same connection (both taken as ISO-8859-1 bytes). The next request on that connection is
   * read only after that.
   */
  public ScriptedHttp1Origin answerThenLater(String path, String response, Duration pause, String late) {
    scripts.put(path, new Script(bytes(response), pause, bytes(late)));
    return this;
  }

  /**
   * Waits until the late bytes scripted for this path have been written once (or their write failed because the
   * relay had closed the connection). True at once for a path without late bytes; false when the wait ran out.
   */
  public boolean awaitLateBytes(String path, Duration wait) throws InterruptedException {
    Script script = scripts.get(path);
    return script == null || script.lateWritten().await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The connection the first request for this path came on, or -1. */
  public int connectionOf(String path) {
    return requests().stream().filter(r -> r.target().equals(path)).mapToInt(ReceivedRequest::connection)
        .findFirst().orElse(-1);
  }

  @Override
  boolean answer(ReceivedRequest request, OutputStream out) throws IOException {
    Script script = scripts.getOrDefault(request.target(), NOT_FOUND);
    out.write(script.response());
    out.flush();
    if (script.late() == null) {
      return true;
    }
    try {
      Thread.sleep(script.pause().toMillis());
      out.write(script.late());
      out.flush();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      script.lateWritten().countDown();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
