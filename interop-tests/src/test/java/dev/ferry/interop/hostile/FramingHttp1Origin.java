package dev.ferry.interop.hostile;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * What the HTTP/1.1 origins of this package share: a {@link LoopbackTcpServer}, a loop per connection that frames
 * each request with {@link Http1RequestReader} and records it (first as a head, then, once its body has arrived, as
 * complete), and the record itself, so that every origin counts requests the same way and by RFC 9112 alone. How a
 * complete request is answered, and what the connection's bytes pass through before they are read, is each
 * origin's own.
 *
 * <p>A head that cannot be framed is recorded and ends the connection without an answer: after it the origin cannot
 * know where a next request would start, and an error response would hand the relay a 4xx that a test could mistake
 * for the relay's own refusal. A connection that ends inside a body ends the loop too; that request stays recorded
 * as incomplete.
 */
abstract class FramingHttp1Origin implements AutoCloseable {
  private final List<ReceivedRequest> requests = new ArrayList<>();
  private final LoopbackTcpServer server;

  FramingHttp1Origin(String name) throws IOException {
    server = new LoopbackTcpServer(name, this::serve);
  }

  public InetSocketAddress address() {
    return server.address();
  }

  /** Every request head received (since the last {@link #forgetRequests()}), complete or not, in arrival order. */
  public synchronized List<ReceivedRequest> requests() {
    return List.copyOf(requests);
  }

  /** Whether this origin connection has ended, i.e. the relay closed or reset it (or the origin gave up on it). */
  public boolean hasEnded(int connection) {
    return server.hasEnded(connection);
  }

  /**
   * Forgets the requests recorded so far. A request whose head came before and whose body comes after is not
   * recorded as complete later: it belongs to the case that is over.
   */
  synchronized void forgetRequests() {
    requests.clear();
  }

  /** The stream a connection's requests are read from: the socket's own, unless an origin wants to see the bytes. */
  InputStream input(int connection, Socket socket) throws IOException {
    return socket.getInputStream();
  }

  /** Answers one complete request; returns whether to read another request on the same connection. */
  abstract boolean answer(ReceivedRequest request, OutputStream out) throws IOException;

  private void serve(int connection, Socket socket) throws IOException {
    Http1RequestReader reader = new Http1RequestReader(new BufferedInputStream(input(connection, socket)));
    OutputStream out = socket.getOutputStream();
    while (true) {
      ReceivedRequest head = reader.readHead(connection);
      if (head == null) {
        return;
      }
      record(head);
      if (head.framingError() != null) {
        return;
      }
      ReceivedRequest whole = reader.readBody(head);
      complete(head, whole);
      if (!answer(whole, out)) {
        return;
      }
    }
  }

  private synchronized void record(ReceivedRequest head) {
    requests.add(head);
  }

  private synchronized void complete(ReceivedRequest head, ReceivedRequest whole) {
    requests.replaceAll(r -> r == head ? whole : r);
  }

  @Override
  public void close() {
    server.close();
  }
}
