package dev.ferry.interop.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The h3spec HTTP/3 and QUIC conformance suite (h3spec 0.1.7, 45 cases), a Haskell binary unpacked by the build
 * from {@code io.netty.incubator:netty-incubator-h3spec-maven-plugin} into the path in system property
 * {@value #PROPERTY}.
 *
 * <p>Its options are {@code -m/--match DESC} and {@code -s/--skip DESC} (substring of the case description, may be
 * repeated), {@code -q DIR} (qlog), {@code -l FILE} (key log), {@code -d} (debug). It never validates the server
 * certificate and has no option for it. Exit code is 1 when any case fails; the cases are read from its
 * output by {@link H3SpecReport}.
 */
public final class H3Spec {

  public static final String PROPERTY = "ferry.h3spec";

  private final Path binary;

  public H3Spec(Path binary) {
    this.binary = binary;
  }

  /** The binary the build unpacked; fails with a clear message when the property or file is missing. */
  public static H3Spec fromSystemProperty() {
    String path = System.getProperty(PROPERTY);
    if (path == null) {
      throw new IllegalStateException("system property " + PROPERTY + " not set; run through Maven (mvn verify)");
    }
    Path binary = Path.of(path);
    if (!Files.isRegularFile(binary)) {
      throw new IllegalStateException("h3spec binary missing at " + binary + "; run mvn generate-test-resources");
    }
    // The jar the binary comes from does not keep the executable bit.
    if (!Files.isExecutable(binary) && !binary.toFile().setExecutable(true)) {
      throw new IllegalStateException("cannot make " + binary + " executable");
    }
    return new H3Spec(binary);
  }

  /** {@code h3spec --version}, e.g. {@code h3spec 0.1.7}. */
  public String version(Path workDir) {
    return ProcessRunner.run(List.of(binary.toString(), "--version"), workDir, "h3spec-version",
        Duration.ofSeconds(30)).stdoutText().trim();
  }

  /**
   * Runs the suite against {@code host:port}; output goes to {@code workDir/h3spec.stdout} and {@code .stderr}.
   *
   * @param extraArgs e.g. {@code "-s", "0-RTT"} to skip cases
   */
  public H3SpecReport run(Path workDir, String host, int port, Duration timeout, String... extraArgs) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), host, Integer.toString(port)));
    command.addAll(List.of(extraArgs));
    ProcessRunner.Result result = ProcessRunner.run(command, workDir, "h3spec", timeout);
    String output = result.stdoutText();
    return new H3SpecReport(result.exitCode(), result.timedOut(), H3SpecReport.parse(output),
        output + result.stderrText());
  }
}
