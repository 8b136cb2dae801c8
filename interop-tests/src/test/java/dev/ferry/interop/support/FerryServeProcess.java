package dev.ferry.interop.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One {@code ferry} JVM started the way {@code bin/ferry} starts it, with its stdout and stderr in files of its
 * work directory. {@link #serve} waits for the listening banner; {@link #run} waits for a command to exit.
 */
public final class FerryServeProcess implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(20);
  private final Process process;
  private final Path stderr;
  private final int port;

  private FerryServeProcess(Process process, Path stderr, int port) {
    this.process = process;
    this.stderr = stderr;
    this.port = port;
  }

  /** The test JVM's class path without the entries {@code leaveOut} names (test classes, a plugin jar). */
  public static String classPathWithout(Predicate<String> leaveOut) {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(leaveOut.negate()).collect(Collectors.joining(File.pathSeparator));
  }

  /**
   * Starts {@code ferry serve} with {@code args} and waits until it listens on 127.0.0.1:{@code port}.
   *
   * @param classPath   the JVM's class path
   * @param environment variables added to the process's environment
   */
  public static FerryServeProcess serve(Path dir, String classPath, Map<String, String> environment, int port,
                                        String... args) throws Exception {
    return serve(dir, classPath, environment, List.of("-Xmx256m"), port, args);
  }

  /** As {@link #serve(Path, String, Map, int, String...)}, with these JVM options (heap, GC log). */
  public static FerryServeProcess serve(Path dir, String classPath, Map<String, String> environment,
                                        List<String> jvmOptions, int port, String... args) throws Exception {
    List<String> command = new ArrayList<>(jvmOptions);
    command.add("dev.ferry.app.FerryMain");
    command.add("serve");
    command.addAll(List.of(args));
    FerryServeProcess serve = start(dir, classPath, environment, port, command);
    try {
      serve.awaitBanner();
    } catch (Throwable t) {
      serve.close();
      throw t;
    }
    return serve;
  }

  /** Runs a {@code ferry} command to its end and returns its exit code; its stderr is in {@link #stderrText}. */
  public static FerryServeProcess run(Path dir, String classPath, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("-Xmx256m", "dev.ferry.app.FerryMain"));
    command.addAll(List.of(args));
    FerryServeProcess run = start(dir, classPath, Map.of(), -1, command);
    assertTrue(run.process.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS), "ferry " + String.join(" ", args)
        + " did not exit within " + STARTUP);
    return run;
  }

  /** @param args JVM options, the main class and its arguments */
  private static FerryServeProcess start(Path dir, String classPath, Map<String, String> environment, int port,
                                         List<String> args) throws IOException {
    Files.createDirectories(dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", classPath));
    command.addAll(args);
    Path stderr = dir.resolve("ferry.stderr");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(dir.resolve("ferry.stdout").toFile()).redirectError(stderr.toFile());
    builder.environment().putAll(environment);
    return new FerryServeProcess(builder.start(), stderr, port);
  }

  public int port() {
    return port;
  }

  public int exitCode() {
    return process.exitValue();
  }

  public String url(String path) {
    return "https://127.0.0.1:" + port + path;
  }

  private void awaitBanner() throws Exception {
    String expected = "ferry: listening on https://127.0.0.1:" + port + " ";
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (stderrText().contains(expected)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("ferry serve exited with " + process.exitValue() + ":\n" + stderrText());
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no banner \"" + expected + "\" after " + STARTUP + ":\n" + stderrText());
  }

  /** SIGTERM, as Ctrl-C or {@code kill} would send: the shutdown hook must close everything and let it exit. */
  public void assertStopsOnSigterm() throws Exception {
    process.destroy();
    boolean exited = process.waitFor(10, TimeUnit.SECONDS);
    assertTrue(exited, "ferry serve still running 10 s after SIGTERM:\n" + stderrText());
    assertTrue(stderrText().contains("ferry: shutting down"), "shutdown hook did not run:\n" + stderrText());
    // 128 + SIGTERM: the JVM ran its hooks and exited on the signal rather than crashing.
    assertEquals(143, process.exitValue(), stderrText());
  }

  public String stderrText() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
