package dev.ferry.interop.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Independent clients against a relay on 127.0.0.1, chosen by protocol: curl for {@code "http/1.1"} and
 * {@code "h2"} (the relay's TCP side), gtlsclient for {@code "h3"}. Each run leaves its output in the given
 * directory under a name made of the path and the port, so runs against different relays never collide.
 */
public final class RelayClients {

  /** The client protocols, in the order reports list them. */
  public static final List<String> PROTOCOLS = List.of("http/1.1", "h2", "h3");

  private RelayClients() {}

  /**
   * What a client printed for one request.
   *
   * @param status the final status, or -1 when the client printed none (it failed first: see {@code log})
   * @param body the saved body, or null when the client saved none
   * @param head the response head's fields, pseudo-header fields included where the client prints them
   * @param trailers the trailer fields, if any
   * @param log what to read when an assertion fails: the client's stderr and, for curl, the head it saved
   */
  public record Answer(int status, Path body, HeaderFields head, HeaderFields trailers, String log) {}

  /**
   * GETs {@code https://localhost:PORT} + {@code path}; {@code curlHeaders} ({@code -H} arguments) are sent by
   * curl only, gtlsclient having no way to add a field.
   */
  public static Answer get(String client, int port, String path, Path dir, List<String> curlHeaders) {
    String name = "get" + path.replaceAll("[^A-Za-z0-9.-]", "_") + "-" + port;
    String url = "https://localhost:" + port + path;
    if (client.equals("h3")) {
      if (!curlHeaders.isEmpty()) {
        throw new IllegalArgumentException("gtlsclient cannot send " + curlHeaders);
      }
      GtlsClient.Result result = GtlsClient.connect("127.0.0.1", port).timeout(Duration.ofSeconds(60))
          .fetch(dir.resolve(name), url);
      return new Answer(result.status(0).orElse(-1), result.download(url).orElse(null), result.head(0),
          result.trailers(0), "gtlsclient (whole stderr in " + result.stderrLog() + ")\n" + result.head(0)
              + result.stderr());
    }
    Path body = dir.resolve(name + ".body");
    Path head = dir.resolve(name + ".head");
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-k", curlVersion(client),
        "--resolve", "localhost:" + port + ":127.0.0.1", "--max-time", "60",
        "-o", body.toString(), "-D", head.toString(), "-w", "%{http_code}"));
    for (String field : curlHeaders) {
      command.addAll(List.of("-H", field));
    }
    command.add(url);
    ProcessRunner.Result curl = ProcessRunner.run(command, dir, name, Duration.ofSeconds(90));
    String dump = read(head);
    List<HeaderFields> sections = parseCurlDump(dump);
    int status = curl.exitCode() == 0 ? Integer.parseInt(curl.stdoutText().trim()) : -1;
    return new Answer(status, Files.isRegularFile(body) ? body : null, sections.get(0), sections.get(1),
        "curl " + client + ": " + curl.stderrText() + "\n" + dump);
  }

  /**
   * POSTs {@code file} to {@code https://localhost:PORT} + {@code path}. gtlsclient runs quiet here (its per-packet
   * log of a large upload is huge), so its answer has a body but no status (-1) and no fields.
   */
  public static Answer post(String client, int port, String path, Path file, Path dir) {
    String url = "https://localhost:" + port + path;
    if (client.equals("h3")) {
      GtlsClient.Result result = GtlsClient.connect("127.0.0.1", port).quiet().method("POST").data(file)
          .timeout(Duration.ofSeconds(120)).fetch(dir.resolve("post"), url);
      return new Answer(-1, result.download(url).orElse(null), HeaderFields.NONE, HeaderFields.NONE,
          "gtlsclient (whole stderr in " + result.stderrLog() + ", exit " + result.exitCode() + ")\n"
              + result.stderr());
    }
    Path body = dir.resolve("post.body");
    ProcessRunner.Result curl = ProcessRunner.run(List.of("curl", "-sS", "-k", curlVersion(client),
        "--resolve", "localhost:" + port + ":127.0.0.1", "--max-time", "120",
        "-H", "content-type: application/octet-stream", "--data-binary", "@" + file, "-o", body.toString(),
        "-w", "%{http_code}", url), dir, "post", Duration.ofSeconds(150));
    int status = curl.exitCode() == 0 ? Integer.parseInt(curl.stdoutText().trim()) : -1;
    return new Answer(status, Files.isRegularFile(body) ? body : null, HeaderFields.NONE, HeaderFields.NONE,
        "curl " + client + ": " + curl.stderrText());
  }

  /**
   * Splits curl's {@code -D} dump into the final head (the fields after the last status line, up to the blank
   * line that ends them) and the trailers, which curl writes after that blank line.
   */
  static List<HeaderFields> parseCurlDump(String dump) {
    String[] lines = dump.split("\r?\n", -1);
    int start = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith("HTTP/")) {
        start = i + 1; // interim (1xx) heads come first; the final one is the last
      }
    }
    List<HeaderFields.Field> head = new ArrayList<>();
    List<HeaderFields.Field> trailers = new ArrayList<>();
    List<HeaderFields.Field> into = head;
    for (int i = start; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (lines[i].isEmpty()) {
        into = trailers;
      } else if (colon > 0) {
        into.add(new HeaderFields.Field(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()));
      }
    }
    return List.of(new HeaderFields(head), new HeaderFields(trailers));
  }

  private static String curlVersion(String client) {
    return switch (client) {
      case "http/1.1" -> "--http1.1";
      case "h2" -> "--http2";
      default -> throw new IllegalArgumentException("not a curl protocol: " + client);
    };
  }

  private static String read(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
