package dev.ferry.interop.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program to completion with a deadline, its output going to files.
 *
 * <p>Files rather than pipes: nobody has to drain the pipes while waiting, and output of any size (an ngtcp2
 * debug log of a large download runs to hundreds of megabytes) neither blocks the child nor fills the heap.
 */
public final class ProcessRunner {

  private ProcessRunner() {}

  /** What a finished (or killed) run left behind. */
  public record Result(List<String> command, int exitCode, boolean timedOut, Path stdout, Path stderr) {

    public String stdoutText() {
      return read(stdout);
    }

    public String stderrText() {
      return read(stderr);
    }

    private static String read(Path file) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Runs {@code command} in {@code dir}, writing {@code dir/<name>.stdout} and {@code dir/<name>.stderr}. On
   * timeout the process and its descendants are killed and the result says {@code timedOut}.
   */
  public static Result run(List<String> command, Path dir, String name, Duration timeout) {
    Path out = dir.resolve(name + ".stdout");
    Path err = dir.resolve(name + ".stderr");
    Process process;
    try {
      Files.createDirectories(dir);
      process = new ProcessBuilder(command).directory(dir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    try {
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        Processes.kill(process);
        return new Result(command, -1, true, out, err);
      }
      return new Result(command, process.exitValue(), false, out, err);
    } catch (InterruptedException e) {
      Processes.kill(process);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }
}
