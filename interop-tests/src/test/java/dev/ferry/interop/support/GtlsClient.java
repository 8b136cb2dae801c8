package dev.ferry.interop.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ngtcp2's HTTP/3 client {@code gtlsclient} (GnuTLS flavour), a QUIC stack nobody here wrote.
 *
 * <p>{@code gtlsclient} exits 0 even after a handshake timeout or an error status, so the {@link Result} exposes
 * what it downloaded and the statuses it printed; judge by those, not by {@link Result#exitCode()}. It does not
 * verify the server certificate. Statuses are only printed without {@code -q}: this class leaves quiet mode off
 * unless {@link #quiet()} is asked for (worth it for very large downloads, whose per-packet log is huge).
 *
 * <p>The n-th request goes on client bidirectional stream {@code 4 * n}, in the order the URIs are given.
 */
public final class GtlsClient {

  public static final Path BINARY = Path.of("/usr/bin/gtlsclient");
  private static final Pattern STATUS = Pattern.compile("^http: stream 0x([0-9a-f]+) \\[:status: (\\d{3})\\]");
  /** One printed field, e.g. {@code http: stream 0x0 [via: 1.1 ferry]}. */
  private static final Pattern FIELD = Pattern.compile("^http: stream 0x([0-9a-f]+) \\[(.+?): (.*)\\]$");
  /** Where a field section starts: what follows belongs to the response head, or to its trailers. */
  private static final Pattern SECTION =
      Pattern.compile("^http: stream 0x([0-9a-f]+) (response headers|trailers) started$");
  /** ngtcp2's per-event debug lines, e.g. {@code I00000001 0x91ce... frm tx ...}: dropped from the kept stderr. */
  private static final Pattern NGTCP2_LOG = Pattern.compile("^I\\d{8} 0x[0-9a-f]+ ");

  private final String host;
  private final int port;
  private final List<String> options = new ArrayList<>();
  private String namespace;
  private Duration timeout = Duration.ofSeconds(60);

  private GtlsClient(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /** A client for {@code host port}; {@code host} is also sent as SNI when it is a DNS name. */
  public static GtlsClient connect(String host, int port) {
    return new GtlsClient(host, port);
  }

  /** {@code -m METHOD}. */
  public GtlsClient method(String method) {
    return option("--http-method=" + method);
  }

  /** {@code -d FILE}: the request body, sent on every request. */
  public GtlsClient data(Path file) {
    return option("--data=" + file.toAbsolutePath());
  }

  /** {@code --sni=NAME}. */
  public GtlsClient sni(String name) {
    return option("--sni=" + name);
  }

  /** {@code -q}: no debug output, hence no statuses in the result. */
  public GtlsClient quiet() {
    return option("-q");
  }

  /** Any other gtlsclient option, e.g. {@code --session-file=F}, {@code --qlog-file=F}, {@code -n 10}. */
  public GtlsClient option(String... option) {
    options.addAll(List.of(option));
    return this;
  }

  /** Runs gtlsclient inside this network namespace ({@code ip netns exec}). */
  public GtlsClient inNamespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  /** Wall-clock limit for the whole run (default 60 s); the process is killed after it. */
  public GtlsClient timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /**
   * Requests {@code uris} on one connection, saving bodies in {@code workDir/download} and output in
   * {@code workDir/gtlsclient.stdout} and {@code .stderr}.
   */
  public Result fetch(Path workDir, List<String> uris) {
    Path download = workDir.toAbsolutePath().resolve("download");
    try {
      Files.createDirectories(download);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--exit-on-all-streams-close",
        "--download=" + download, "--no-quic-dump", "--no-http-dump"));
    command.addAll(options);
    command.add(host);
    command.add(Integer.toString(port));
    command.addAll(uris);
    if (namespace != null) {
      command = NetworkNamespaces.inside(namespace, command);
    }
    ProcessRunner.Result run = ProcessRunner.run(command, workDir.toAbsolutePath(), "gtlsclient", timeout);
    Map<String, Path> downloads = new LinkedHashMap<>();
    for (String uri : uris) {
      Path file = download.resolve(downloadName(uri));
      if (Files.isRegularFile(file)) {
        downloads.put(uri, file);
      }
    }
    Map<Long, Integer> statuses = new TreeMap<>();
    Map<Long, List<HeaderFields.Field>> heads = new TreeMap<>();
    Map<Long, List<HeaderFields.Field>> trailers = new TreeMap<>();
    String stderr = scanStderr(run.stderr(), statuses, heads, trailers);
    return new Result(run.exitCode(), run.timedOut(), run.stdoutText(), stderr, run.stderr(), downloads, statuses,
        sections(heads), sections(trailers));
  }

  public Result fetch(Path workDir, String... uris) {
    return fetch(workDir, List.of(uris));
  }

  /**
   * The file name gtlsclient saves a response under: the request target (path and query) after its last
   * {@code /}, or {@code index.html} when that is empty.
   */
  static String downloadName(String uri) {
    URI parsed = URI.create(uri);
    String target = (parsed.getRawPath() == null ? "" : parsed.getRawPath())
        + (parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery());
    String name = target.substring(target.lastIndexOf('/') + 1);
    return name.isEmpty() ? "index.html" : name;
  }

  /**
   * Collects {@code :status}, the response head's fields and the trailer fields per stream, and returns stderr
   * without ngtcp2's per-packet lines. A stream's head is the last one printed, so an interim (1xx) head gives way
   * to the final one.
   */
  static String scanStderr(Path stderr, Map<Long, Integer> statuses, Map<Long, List<HeaderFields.Field>> heads,
      Map<Long, List<HeaderFields.Field>> trailers) {
    StringBuilder kept = new StringBuilder();
    Map<Long, List<HeaderFields.Field>> open = new TreeMap<>();
    try (BufferedReader reader = Files.newBufferedReader(stderr, StandardCharsets.ISO_8859_1)) {
      for (String line; (line = reader.readLine()) != null; ) {
        Matcher status = STATUS.matcher(line);
        if (status.find()) {
          statuses.put(Long.parseLong(status.group(1), 16), Integer.parseInt(status.group(2)));
        }
        Matcher section = SECTION.matcher(line);
        Matcher field = FIELD.matcher(line);
        if (section.find()) {
          long stream = Long.parseLong(section.group(1), 16);
          List<HeaderFields.Field> fields = new ArrayList<>();
          (section.group(2).equals("trailers") ? trailers : heads).put(stream, fields);
          open.put(stream, fields);
        } else if (field.find()) {
          List<HeaderFields.Field> fields = open.get(Long.parseLong(field.group(1), 16));
          if (fields != null) {
            fields.add(new HeaderFields.Field(field.group(2), field.group(3)));
          }
        }
        if (!NGTCP2_LOG.matcher(line).find() && kept.length() < 1 << 20) {
          kept.append(line).append('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return kept.toString();
  }

  private static Map<Long, HeaderFields> sections(Map<Long, List<HeaderFields.Field>> byStream) {
    Map<Long, HeaderFields> out = new TreeMap<>();
    byStream.forEach((stream, fields) -> out.put(stream, new HeaderFields(fields)));
    return out;
  }

  /**
   * One gtlsclient run.
   *
   * @param stderr stderr without ngtcp2's per-packet log lines (capped at 1 MiB)
   * @param stderrLog the complete stderr
   * @param downloads saved response bodies by URI, only for URIs that produced a file (error bodies too)
   * @param statusByStream final {@code :status} by request stream id; empty in quiet mode
   * @param headByStream the final response head's fields by request stream id, pseudo-header fields included;
   *     empty in quiet mode
   * @param trailersByStream trailer fields by request stream id, for responses that had any; empty in quiet mode
   */
  public record Result(int exitCode, boolean timedOut, String stdout, String stderr, Path stderrLog,
      Map<String, Path> downloads, Map<Long, Integer> statusByStream, Map<Long, HeaderFields> headByStream,
      Map<Long, HeaderFields> trailersByStream) {

    public Optional<Path> download(String uri) {
      return Optional.ofNullable(downloads.get(uri));
    }

    /** The status of the {@code index}-th request (0-based), if it printed one. */
    public OptionalInt status(int index) {
      Integer status = statusByStream.get(4L * index);
      return status == null ? OptionalInt.empty() : OptionalInt.of(status);
    }

    /** The response head's fields of the {@code index}-th request (0-based); none if it printed none. */
    public HeaderFields head(int index) {
      return headByStream.getOrDefault(4L * index, HeaderFields.NONE);
    }

    /** The trailer fields of the {@code index}-th request (0-based); none if it printed none. */
    public HeaderFields trailers(int index) {
      return trailersByStream.getOrDefault(4L * index, HeaderFields.NONE);
    }
  }
}
