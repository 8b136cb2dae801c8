package dev.ferry.interop.endpoint;

import dev.ferry.http3.tls.SelfSignedCertificate;
import dev.ferry.interop.support.BackgroundProcess;
import dev.ferry.interop.support.FerryServeProcess;
import dev.ferry.interop.support.NetworkNamespaces;
import dev.ferry.interop.support.ProcessRunner;
import dev.ferry.interop.support.RandomFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The QUIC interop runner's endpoints as processes, each in a network namespace of the test's own (the runner's
 * port, UDP 443, is fixed): Ferry's ({@code ferry interop}), and quic-go's interop client and server, built by
 * {@code scripts/install-interop-peers.sh} and given their fixed {@code /www}, {@code /certs}, {@code /downloads}
 * and {@code /logs} by {@code scripts/interop/with-mounts.sh}.
 */
public final class InteropPeers {
  /** Where scripts/install-interop-peers.sh puts what it builds. */
  public static final Path PEERS_DIR = Path.of(System.getenv().getOrDefault("FERRY_PEERS_DIR",
      System.getProperty("user.home") + "/.cache/ferry/peers"));
  public static final Path QUIC_GO_CLIENT = PEERS_DIR.resolve("quic-go/client");
  public static final Path QUIC_GO_SERVER = PEERS_DIR.resolve("quic-go/server");
  /** The repository's scripts directory, from interop-tests' working directory. */
  public static final Path WITH_MOUNTS = Path.of("..", "scripts", "interop", "with-mounts.sh").toAbsolutePath().normalize();

  private InteropPeers() {
  }

  /** What a server case serves: files of three sizes in {@code www}, a certificate and key in {@code certs}. */
  record Served(Path www, Path certs, List<Path> files) {
    /** Creates them under {@code work}; {@code seed} makes each test's bytes its own. */
    static Served create(Path work, int seed) throws IOException {
      Path www = Files.createDirectories(work.resolve("www"));
      List<Path> files = List.of(RandomFiles.create(www.resolve("small.bin"), 1024, seed),
          RandomFiles.create(www.resolve("medium.bin"), 300_000, seed + 1),
          RandomFiles.create(www.resolve("large.bin"), 5L << 20, seed + 2));
      Path certs = Files.createDirectories(work.resolve("certs"));
      SelfSignedCertificate.generate(List.of("server"), List.of("127.0.0.1", "::1"), Duration.ofDays(1))
          .writeTo(certs.resolve("cert.pem"), certs.resolve("priv.key"));
      return new Served(www, certs, files);
    }
  }

  /** Fails with the way out when the peers were not built. */
  public static void requireQuicGo() {
    for (Path binary : List.of(QUIC_GO_CLIENT, QUIC_GO_SERVER)) {
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException(binary + " is missing: run scripts/install-interop-peers.sh "
            + "(scripts/test.sh does)");
      }
    }
  }

  /**
   * A namespace with loopback up and IPv6 on: Ferry's interop server listens on {@code [::]:443}, for IPv4 and
   * IPv6 alike, as the runner's {@code ipv6} case needs.
   */
  static String namespace(NetworkNamespaces namespaces, String role, Path work) throws IOException {
    String name = namespaces.create(role);
    ProcessRunner.Result on = ProcessRunner.run(NetworkNamespaces.inside(name, List.of("sysctl", "-q", "-w",
        "net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0", "net.ipv6.conf.lo.disable_ipv6=0")),
        work, "sysctl-ipv6", Duration.ofSeconds(10));
    if (on.exitCode() != 0) {
      throw new IOException("cannot turn IPv6 on in " + name + ": " + on.stderrText());
    }
    return name;
  }

  /**
   * {@code ferry interop server} for {@code testCase} on UDP 443 in {@code namespace}, serving {@code www} with the
   * certificate in {@code certs}; returns once it listens.
   */
  static BackgroundProcess ferryServer(String namespace, String testCase, Path www, Path certs, Path work) {
    return ferryServer(namespace, testCase, www, certs, work, work.resolve("server-qlog"));
  }

  /** As above, with the server's qlog files (one per connection) in {@code qlogDir}. */
  static BackgroundProcess ferryServer(String namespace, String testCase, Path www, Path certs, Path work,
                                       Path qlogDir) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = FerryServeProcess.classPathWithout(entry -> entry.contains("test-classes"));
    List<String> command = NetworkNamespaces.inside(namespace, List.of("env", "ROLE=server", "TESTCASE=" + testCase,
        "PORT=443", "WWW=" + www, "CERTS=" + certs, "QLOGDIR=" + qlogDir, java, "-Xmx256m", "-cp", classPath,
        "dev.ferry.app.FerryMain",
        "interop", "server"));
    BackgroundProcess server = BackgroundProcess.start(command, work, "ferry-interop-server");
    server.awaitOutput("ferry interop: server for " + testCase, Duration.ofSeconds(30));
    return server;
  }

  /**
   * quic-go's interop client in {@code namespace} fetching {@code urls} into {@code downloads}, with its qlog and
   * key log under {@code logs}; returns its exit code.
   */
  static ProcessRunner.Result quicGoClient(String namespace, String testCase, Path downloads, Path logs, Path work,
                                           List<String> urls) throws IOException {
    Files.createDirectories(downloads);
    Files.createDirectories(logs.resolve("qlog"));
    List<String> command = new ArrayList<>(List.of("env", "TESTCASE=" + testCase, "QLOGDIR=/logs/qlog",
        "SSLKEYLOGFILE=/logs/keys.log", WITH_MOUNTS.toString(), "/downloads=" + downloads, "/logs=" + logs, "--",
        QUIC_GO_CLIENT.toString()));
    command.addAll(urls);
    return ProcessRunner.run(NetworkNamespaces.inside(namespace, command), work, "quic-go-client-" + testCase,
        Duration.ofSeconds(60));
  }

  /**
   * quic-go's interop server for {@code testCase} on UDP 443 in {@code namespace}, serving {@code www} with the
   * certificate in {@code certs}; returns once its socket is bound.
   */
  static BackgroundProcess quicGoServer(String namespace, String testCase, Path www, Path certs, Path logs,
                                        Path work) throws IOException {
    Files.createDirectories(logs.resolve("qlog"));
    BackgroundProcess server = BackgroundProcess.start(NetworkNamespaces.inside(namespace, List.of("env",
        "TESTCASE=" + testCase, "QLOGDIR=/logs/qlog", "SSLKEYLOGFILE=/logs/keys.log", WITH_MOUNTS.toString(),
        "/www=" + www, "/certs=" + certs, "/logs=" + logs, "--", QUIC_GO_SERVER.toString())), work,
        "quic-go-server-" + testCase);
    awaitUdpBound(namespace, 443, server, work);
    return server;
  }

  /** Waits until something in {@code namespace} has bound UDP {@code port} ({@code ss}, inside the namespace). */
  private static void awaitUdpBound(String namespace, int port, BackgroundProcess process, Path work)
      throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      ProcessRunner.Result ss = ProcessRunner.run(NetworkNamespaces.inside(namespace,
          List.of("ss", "-Huln", "sport = :" + port)), work, "ss", Duration.ofSeconds(5));
      if (!ss.stdoutText().isBlank()) {
        return;
      }
      if (!process.isAlive()) {
        throw new IOException("exited before binding UDP " + port + ":\n" + process.logText());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IOException("nothing bound UDP " + port + " in " + namespace + " within 20 s:\n" + process.logText());
  }

  /** {@code ferry interop client} in {@code namespace} fetching {@code urls} into {@code downloads}. */
  static ProcessRunner.Result ferryClient(String namespace, String testCase, Path downloads, Path work,
                                          List<String> urls) throws IOException {
    Files.createDirectories(downloads);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = FerryServeProcess.classPathWithout(entry -> entry.contains("test-classes"));
    return ProcessRunner.run(NetworkNamespaces.inside(namespace, List.of("env", "ROLE=client",
        "TESTCASE=" + testCase, "REQUESTS=" + String.join(" ", urls), "DOWNLOADS=" + downloads,
        "QLOGDIR=" + work.resolve("client-qlog"), java, "-Xmx256m",
        "-cp", classPath, "dev.ferry.app.FerryMain", "interop", "client")), work, "ferry-interop-client-" + testCase,
        Duration.ofSeconds(90));
  }

  /** The text of every qlog file the quic-go endpoint wrote under {@code logs/qlog}. */
  static String qlogs(Path logs) throws IOException {
    StringBuilder all = new StringBuilder();
    Path dir = logs.resolve("qlog");
    if (Files.isDirectory(dir)) {
      try (var files = Files.list(dir)) {
        for (Path file : files.sorted().toList()) {
          all.append(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
      }
    }
    return all.toString();
  }
}
