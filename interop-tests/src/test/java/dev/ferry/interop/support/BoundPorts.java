package dev.ferry.interop.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Waits for another process to bind a UDP port, by reading the kernel's socket tables ({@code /proc/net/udp} and
 * {@code udp6}). A UDP server cannot be probed the way a TCP one can: a datagram sent before it binds draws an ICMP
 * port unreachable, which QUIC clients such as h3spec report as a failed connection, and a fixed sleep is too short
 * on a loaded machine.
 */
public final class BoundPorts {
  private static final List<Path> UDP_TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

  private BoundPorts() {}

  /**
   * Returns once some socket is bound to UDP {@code port} on any address.
   *
   * @throws IllegalStateException if {@code process} exits first or {@code timeout} passes
   */
  public static void awaitUdp(int port, Process process, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!udpBound(port)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("exited with " + process.exitValue() + " before binding UDP port " + port);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("nothing bound UDP port " + port + " within " + timeout);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for UDP port " + port, e);
      }
    }
  }

  /** Whether a socket is bound to UDP {@code port} right now. */
  public static boolean udpBound(int port) {
    // Lines read "  sl  local_address rem_address ...", the local address as HEXADDR:HEXPORT.
    String suffix = String.format(Locale.ROOT, ":%04X", port);
    for (Path table : UDP_TABLES) {
      if (!Files.exists(table)) {
        continue;
      }
      try {
        for (String line : Files.readAllLines(table)) {
          String[] fields = line.trim().split("\\s+");
          if (fields.length > 1 && fields[1].endsWith(suffix)) {
            return true;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return false;
  }
}
