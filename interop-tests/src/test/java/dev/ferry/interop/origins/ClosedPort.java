package dev.ferry.interop.origins;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A loopback address on which nobody listens, so that a connect to it is refused at once: the port is bound, noted
 * and released again. Linux rarely hands the same ephemeral port out again at once, so the port stays free until the
 * test itself listens on it.
 */
final class ClosedPort {
  private ClosedPort() {
  }

  static InetSocketAddress reserve() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }
  }
}
