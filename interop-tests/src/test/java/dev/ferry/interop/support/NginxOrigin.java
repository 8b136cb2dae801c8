package dev.ferry.interop.support;

import dev.ferry.http3.tls.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * An nginx serving static files from a docroot on an ephemeral 127.0.0.1 port: HTTP/1.1 in clear, or HTTP/1.1 and
 * HTTP/2 over TLS.
 *
 * <p>It runs in the foreground as a single process ({@code master_process off}) with its config, pid file, logs and
 * temp directories all inside the work directory, so it needs nothing from {@code /etc/nginx} or {@code /var} and
 * several can run at once. As root it is told {@code user root;} so it can read a docroot that is not
 * world-readable.
 */
public final class NginxOrigin implements AutoCloseable {

  public static final Path BINARY = Path.of("/usr/sbin/nginx");
  private static final int ATTEMPTS = 5;
  private static final Duration STARTUP = Duration.ofSeconds(15);

  private final BackgroundProcess process;
  private final int port;
  private final Path workDir;

  private NginxOrigin(BackgroundProcess process, int port, Path workDir) {
    this.process = process;
    this.port = port;
    this.workDir = workDir;
  }

  /**
   * Writes {@code workDir/nginx.conf} and starts nginx with it, retrying on another port when the chosen one was
   * taken in the meantime.
   *
   * @param cert server certificate when {@code tls}; ignored otherwise
   */
  public static NginxOrigin start(Path workDir, Path docroot, boolean tls, SelfSignedCertificate cert) {
    Path dir = workDir.toAbsolutePath();
    Path conf = dir.resolve("nginx.conf");
    Path errorLog = dir.resolve("error.log");
    String lastError = "";
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = FreePorts.tcp();
      try {
        Files.createDirectories(dir);
        Files.deleteIfExists(errorLog);
        Files.writeString(conf, config(dir, docroot.toAbsolutePath(), port, tls ? cert : null));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + conf, e);
      }
      BackgroundProcess process = BackgroundProcess.start(List.of(BINARY.toString(), "-c", conf.toString(),
          "-p", dir + "/", "-e", errorLog.toString()), dir, "nginx");
      if (process.awaitTcpPort(port, STARTUP)) {
        return new NginxOrigin(process, port, dir);
      }
      process.close();
      lastError = read(errorLog) + process.logText();
      if (!lastError.contains("Address already in use")) {
        break;
      }
    }
    throw new IllegalStateException("nginx did not start; see " + dir + ":\n" + lastError);
  }

  public int port() {
    return port;
  }

  public Path accessLog() {
    return workDir.resolve("access.log");
  }

  public Path errorLog() {
    return workDir.resolve("error.log");
  }

  /** Requests nginx has finished so far: one access-log line each (nginx writes the line when a request ends). */
  public long requestCount() {
    if (!Files.exists(accessLog())) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(accessLog(), StandardCharsets.UTF_8)) {
      return lines.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.close();
  }

  static String config(Path dir, Path docroot, int port, SelfSignedCertificate cert) {
    boolean root = "root".equals(System.getProperty("user.name"));
    String listen = "127.0.0.1:" + port + (cert == null ? "" : " ssl http2");
    String tls = cert == null ? "" : """
            ssl_certificate %s;
            ssl_certificate_key %s;
            ssl_protocols TLSv1.2 TLSv1.3;
        """.formatted(cert.certificatePath().toAbsolutePath(), cert.privateKeyPath().toAbsolutePath());
    return """
        # Written by the integration tests; everything lives in %1$s.
        %2$s
        daemon off;
        master_process off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log info;
        events { worker_connections 1024; }
        http {
          access_log %1$s/access.log;
          client_body_temp_path %1$s/client_body_temp;
          proxy_temp_path %1$s/proxy_temp;
          fastcgi_temp_path %1$s/fastcgi_temp;
          uwsgi_temp_path %1$s/uwsgi_temp;
          scgi_temp_path %1$s/scgi_temp;
          default_type application/octet-stream;
          sendfile on;
          tcp_nopush on;
          client_max_body_size 0;
          keepalive_requests 100000;
          server {
            listen %3$s;
            server_name localhost;
            root %4$s;
        %5$s
            location / { }
          }
        }
        """.formatted(dir, root ? "user root;" : "", listen, docroot, tls);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
