package dev.ferry.interop.support;

import dev.ferry.http3.tls.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * nghttp2's {@code nghttpd}: an HTTP/2-only origin, either h2c with prior knowledge ({@code --no-tls}) or h2 over
 * TLS. Unlike nginx it echoes request bodies ({@code --echo-upload}: a POST or PUT gets its body back), which makes
 * it the origin for upload and streaming tests. Files are served from {@link #docroot()}.
 */
public final class NghttpdOrigin implements AutoCloseable {

  public static final Path BINARY = Path.of("/usr/sbin/nghttpd");
  private static final int ATTEMPTS = 5;
  private static final Duration STARTUP = Duration.ofSeconds(15);

  private final BackgroundProcess process;
  private final int port;
  private final Path docroot;

  private NghttpdOrigin(BackgroundProcess process, int port, Path docroot) {
    this.process = process;
    this.port = port;
    this.docroot = docroot;
  }

  /**
   * Starts nghttpd with docroot {@code workDir/htdocs} (created if missing).
   *
   * @param cert server certificate when {@code tls}; ignored otherwise
   */
  public static NghttpdOrigin start(Path workDir, boolean tls, SelfSignedCertificate cert) {
    Path dir = workDir.toAbsolutePath();
    Path docroot = dir.resolve("htdocs");
    try {
      Files.createDirectories(docroot);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String lastLog = "";
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = FreePorts.tcp();
      // Usage: nghttpd [OPTION]... <PORT> [<PRIVATE_KEY> <CERT>]
      List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--echo-upload", "-a", "127.0.0.1",
          "-d", docroot.toString()));
      if (!tls) {
        command.add("--no-tls");
      }
      command.add(Integer.toString(port));
      if (tls) {
        command.add(cert.privateKeyPath().toAbsolutePath().toString());
        command.add(cert.certificatePath().toAbsolutePath().toString());
      }
      BackgroundProcess process = BackgroundProcess.start(command, dir, "nghttpd");
      if (process.awaitTcpPort(port, STARTUP)) {
        return new NghttpdOrigin(process, port, docroot);
      }
      process.close();
      lastLog = process.logText();
      if (!lastLog.contains("in use")) {
        break;
      }
    }
    throw new IllegalStateException("nghttpd did not start; see " + dir + ":\n" + lastLog);
  }

  public int port() {
    return port;
  }

  public Path docroot() {
    return docroot;
  }

  @Override
  public void close() {
    process.close();
  }
}
