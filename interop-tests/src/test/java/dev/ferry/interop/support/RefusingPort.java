package dev.ferry.interop.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port on which nobody listens, so that a connect to it is refused at once, held until the test lets it
 * go. The port is bound by a socket that never listens or connects: the kernel answers a SYN to it with a reset, and
 * while it is bound no other socket of the machine can take it, neither a listener that asked for an ephemeral port
 * nor an outgoing connection choosing its source port (which would connect to itself). A port bound and released
 * at once is not enough: on a busy machine another bind can be handed the same port, and the endpoint that should be
 * down then answers.
 */
public final class RefusingPort implements AutoCloseable {
  private final Socket holder;
  private final InetSocketAddress address;

  private RefusingPort(Socket holder) {
    this.holder = holder;
    this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), holder.getLocalPort());
  }

  /** Binds an ephemeral loopback port and keeps it, refusing connections, until {@link #release}. */
  public static RefusingPort hold() throws IOException {
    Socket socket = new Socket();
    try {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return new RefusingPort(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  public InetSocketAddress address() {
    return address;
  }

  /** Lets the port go, so that a listener can take it over (a socket that never connected leaves no TIME_WAIT). */
  public void release() throws IOException {
    holder.close();
  }

  @Override
  public void close() throws IOException {
    release();
  }
}
