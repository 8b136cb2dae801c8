package dev.ferry.interop.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fresh per-test directories under {@code ferry.it.workdir} (set by the build to {@code target/it-work}).
 *
 * <p>Kept after the run on purpose: server configs, logs and downloads are what one reads when a test fails.
 * Outside Maven (an IDE run without the property) they go to the system temporary directory.
 */
public final class WorkDirs {

  public static final String PROPERTY = "ferry.it.workdir";

  private WorkDirs() {}

  /** Creates a new directory whose name starts with {@code name}. */
  public static Path create(String name) {
    try {
      String root = System.getProperty(PROPERTY);
      Path base = root == null ? Path.of(System.getProperty("java.io.tmpdir"), "ferry-it") : Path.of(root);
      Files.createDirectories(base);
      return Files.createTempDirectory(base, name.replaceAll("[^A-Za-z0-9._-]", "_") + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work directory for " + name, e);
    }
  }
}
