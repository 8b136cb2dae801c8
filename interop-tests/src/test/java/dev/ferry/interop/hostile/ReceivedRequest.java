package dev.ferry.interop.hostile;

import dev.ferry.interop.raw.RawRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP/1.1 request as an origin of this package received it: the bytes of its head, the request line and field
 * lines parsed from them, the body as framed, and whether the body arrived whole. A request whose head arrived but
 * whose body did not (the connection ended first, or is still waiting) is recorded with {@code complete} false, so
 * that a test can tell "the relay passed the head on" from "the relay passed on a whole request".
 *
 * @param connection   the number of the TCP connection it came on, from 1 in accept order
 * @param requestLine  the first line, without its line ending
 * @param fields       the header field lines in order, values with surrounding whitespace removed
 * @param head         the raw bytes of the head, up to and including the empty line
 * @param body         the body as framed (chunked coding removed); empty until complete
 * @param complete     whether the head and the whole body arrived
 * @param framingError why the head does not frame a message (RFC 9112 6.3), or null
 */
public record ReceivedRequest(int connection, String requestLine, List<RawRequest.Field> fields, byte[] head,
                              byte[] body, boolean complete, String framingError) {

  public ReceivedRequest {
    fields = List.copyOf(fields);
  }

  public String method() {
    int sp = requestLine.indexOf(' ');
    return sp < 0 ? requestLine : requestLine.substring(0, sp);
  }

  /** The request target: the path for the origin-form requests a relay sends. */
  public String target() {
    String[] parts = requestLine.split(" ", -1);
    return parts.length > 1 ? parts[1] : "";
  }

  /** The values of every field line with this name (any case), in order. */
  public List<String> values(String name) {
    List<String> values = new ArrayList<>();
    for (RawRequest.Field field : fields) {
      if (field.name().equalsIgnoreCase(name)) {
        values.add(field.value());
      }
    }
    return values;
  }

  /** The field lines whose value contains this text anywhere. */
  public List<RawRequest.Field> fieldsContaining(String text) {
    return fields.stream().filter(f -> f.value().contains(text)).toList();
  }

  ReceivedRequest completedWith(byte[] framedBody) {
    return new ReceivedRequest(connection, requestLine, fields, head, framedBody, true, null);
  }

  public String headText() {
    return new String(head, StandardCharsets.ISO_8859_1);
  }

  @Override
  public String toString() {
    return "#" + connection + " " + requestLine + " " + fields + (complete ? " body " + body.length + " bytes"
        : framingError != null ? " (framing error: " + framingError + ")" : " (body incomplete)");
  }
}
