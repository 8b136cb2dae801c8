package dev.ferry.interop.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Files of incompressible, reproducible content: the same size and seed always give the same bytes, so a test
 * can regenerate or hash expected content instead of storing it. Written in 1 MiB chunks; a 1 GiB file takes a
 * few seconds and no heap beyond the buffer.
 */
public final class RandomFiles {

  private static final int CHUNK = 1 << 20;

  private RandomFiles() {}

  /** Creates (or replaces) {@code file} with {@code size} pseudo-random bytes from {@code seed}; returns it. */
  public static Path create(Path file, long size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] buffer = new byte[CHUNK];
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      try (OutputStream out = Files.newOutputStream(file)) {
        for (long left = size; left > 0; ) {
          int n = (int) Math.min(CHUNK, left);
          fill(random, buffer, n);
          out.write(buffer, 0, n);
          left -= n;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  private static void fill(SplittableRandom random, byte[] buffer, int length) {
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      long v = random.nextLong();
      for (int b = 0; b < 8; b++) {
        buffer[i + b] = (byte) (v >>> (8 * b));
      }
    }
    if (i < length) {
      long v = random.nextLong();
      for (int b = 0; i < length; b++, i++) {
        buffer[i] = (byte) (v >>> (8 * b));
      }
    }
  }
}
