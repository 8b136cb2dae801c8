package dev.ferry.interop.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A long-running program (a server) with stdout and stderr merged into a log file, killed on {@link #close()}.
 */
public final class BackgroundProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private BackgroundProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} in {@code dir}; its output goes to {@code dir/<name>.log}. */
  public static BackgroundProcess start(List<String> command, Path dir, String name) {
    Path log = dir.resolve(name + ".log");
    try {
      Files.createDirectories(dir);
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(log.toFile()).start();
      return new BackgroundProcess(process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /**
   * Waits until something accepts TCP connections on 127.0.0.1:{@code port}.
   *
   * @return true once the port accepts, false if the process exited first
   * @throws IllegalStateException if neither happens within {@code timeout}
   */
  public boolean awaitTcpPort(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return true;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    throw new IllegalStateException("port " + port + " not open after " + timeout + "; log:\n" + logText());
  }

  /** Waits until some socket is bound to UDP {@code port} ({@link BoundPorts#awaitUdp}). */
  public void awaitUdpPort(int port, Duration timeout) {
    try {
      BoundPorts.awaitUdp(port, process, timeout);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + "; log:\n" + logText(), e);
    }
  }

  /**
   * Waits until the process's output holds {@code text} (a banner such as "listening on").
   *
   * @throws AssertionError with the output so far if the process exits first or {@code timeout} passes
   */
  public void awaitOutput(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!logText().contains(text)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError(log.getFileName() + ": no \"" + text + "\" (" + (process.isAlive()
            ? "still running after " + timeout : "exited " + process.exitValue()) + "):\n" + logText());
      }
      sleep(20);
    }
  }

  /**
   * Asks the process to stop (SIGTERM, as Ctrl-C would), so that it can write out what it holds (tcpdump its
   * buffer, a tunnel its totals), then waits up to {@code grace} before killing it.
   */
  public void terminate(Duration grace) {
    process.destroy();
    long deadline = System.nanoTime() + grace.toNanos();
    while (process.isAlive() && System.nanoTime() < deadline) {
      sleep(20);
    }
    close();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits up to {@code timeout} for the process to exit; true if it did. */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The exit code of a process that has exited. */
  public int exitCode() {
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public String logText() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public void close() {
    Processes.kill(process);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
