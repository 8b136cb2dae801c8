package dev.ferry.interop.hostile;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener on 127.0.0.1 with an ephemeral port that gives each accepted connection its own thread and a number
 * (from 1, in accept order), so that the origins here can say which connection a request came on, and that records
 * which connections have ended, so that a test can tell whether the relay closed one. Blocking sockets and a thread
 * per connection keep an origin's script a plain sequence of reads and writes.
 */
final class LoopbackTcpServer implements AutoCloseable {
  /** What to do with one connection; the socket is closed when it returns or throws. */
  @FunctionalInterface
  interface ConnectionHandler {
    void serve(int connection, Socket socket) throws IOException;
  }

  private final String name;
  private final ConnectionHandler handler;
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Integer> ended = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();

  LoopbackTcpServer(String name, ConnectionHandler handler) throws IOException {
    this.name = name;
    this.handler = handler;
    this.listener = new ServerSocket(0, 64, InetAddress.getByName("127.0.0.1"));
    Thread acceptor = new Thread(this::acceptLoop, name + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
  }

  /**
   * Whether this connection's handler has returned (the peer closed or reset it, or the handler gave up on it) and
   * the socket is closed.
   */
  boolean hasEnded(int connection) {
    return ended.contains(connection);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      int number = accepted.incrementAndGet();
      open.add(socket);
      Thread worker = new Thread(() -> serve(number, socket), name + "-connection-" + number);
      worker.setDaemon(true);
      worker.start();
    }
  }

  private void serve(int number, Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      handler.serve(number, socket);
    } catch (IOException e) {
      // the relay closed or reset the connection: nothing to serve any more
    } finally {
      open.remove(socket);
      ended.add(number);
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
