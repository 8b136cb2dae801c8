package dev.ferry.interop.hostile;

import dev.ferry.interop.support.Hashes;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP/1.1 origin that takes {@code Expect: 100-continue} as RFC 9110 10.1.1 describes: as soon as it has the
 * head of such a request it writes {@code 100 Continue}, and only then reads the body. Each complete request is
 * answered 200 with, as its body, the SHA-256 (lowercase hex) of the request body, so that a client can tell the
 * body arrived whole without the origin echoing it; a GET gets {@code ok}. Requests are framed by
 * {@link Http1RequestReader}, and each is recorded with whether the origin sent 100 for it.
 *
 * <p>Written on plain sockets rather than on a server library because the point is when the interim response goes
 * out: right after the head, before a single body byte is read, which is the moment a client waiting for it needs.
 */
final class ContinueHttp1Origin implements AutoCloseable {
  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** One request as received, and whether the origin answered its head with 100 (Continue). */
  record Seen(ReceivedRequest request, boolean continueSent) {
    @Override
    public String toString() {
      return request + (continueSent ? " (100 sent)" : "");
    }
  }

  private final List<Seen> seen = new ArrayList<>();
  private final LoopbackTcpServer server;

  private ContinueHttp1Origin() throws IOException {
    server = new LoopbackTcpServer("continue-origin", this::serve);
  }

  /** Starts listening on 127.0.0.1 with an ephemeral port. */
  static ContinueHttp1Origin start() throws IOException {
    return new ContinueHttp1Origin();
  }

  InetSocketAddress address() {
    return server.address();
  }

  /** Every request head received since the last {@link #clear()}, complete or not, in arrival order. */
  synchronized List<Seen> requests() {
    return List.copyOf(seen);
  }

  synchronized void clear() {
    seen.clear();
  }

  private void serve(int connection, Socket socket) throws IOException {
    Http1RequestReader reader = new Http1RequestReader(new BufferedInputStream(socket.getInputStream()));
    OutputStream out = socket.getOutputStream();
    while (true) {
      ReceivedRequest head = reader.readHead(connection);
      if (head == null) {
        return;
      }
      boolean expects = head.values("expect").stream().anyMatch(v -> v.trim().equalsIgnoreCase("100-continue"));
      Seen received = new Seen(head, expects && head.framingError() == null);
      record(null, received);
      if (head.framingError() != null) {
        return;
      }
      if (expects) {
        out.write(CONTINUE);
        out.flush();
      }
      ReceivedRequest whole = reader.readBody(head);
      record(received, new Seen(whole, received.continueSent()));
      String body = whole.method().equals("GET") ? "ok" : Hashes.sha256(whole.body());
      out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: " + body.length() + "\r\n\r\n"
          + body).getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }

  /** Adds {@code now}, or puts it in the place of {@code before}. */
  private synchronized void record(Seen before, Seen now) {
    if (before == null) {
      seen.add(now);
    } else {
      seen.replaceAll(s -> s == before ? now : s);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
