package dev.ferry.interop.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Picks a currently free loopback port by binding port 0 and closing the socket.
 *
 * <p>The port can be taken by someone else between this call and the caller's bind, so a caller that starts an
 * external server must detect a failed bind and retry with a fresh port ({@link NginxOrigin} and
 * {@link NghttpdOrigin} do).
 */
public final class FreePorts {

  private FreePorts() {}

  /** A TCP port free on 127.0.0.1 right now. */
  public static int tcp() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free TCP port", e);
    }
  }

  /** A port free on 127.0.0.1 for both UDP and TCP right now: for a listener that serves both on one port. */
  public static int udpAndTcp() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = udp();
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        return port;
      } catch (IOException e) {
        // taken on TCP: try another
      }
    }
    throw new IllegalStateException("no port free on both UDP and TCP after 50 attempts");
  }

  /** A UDP port free on 127.0.0.1 right now. */
  public static int udp() {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free UDP port", e);
    }
  }
}
