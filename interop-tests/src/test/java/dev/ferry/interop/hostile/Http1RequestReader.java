package dev.ferry.interop.hostile;

import dev.ferry.interop.raw.RawRequest;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads HTTP/1.1 requests off one connection, strictly enough that a test can trust its count of complete requests:
 * the head ends at the first empty line; the body is framed by RFC 9112 section 6.3 for requests, i.e. chunked when
 * Transfer-Encoding ends in chunked, else Content-Length, else no body. A Content-Length that is not one decimal
 * number (a list of identical numbers is accepted, RFC 9110 8.6), differing Content-Length values, both framing
 * fields at once, or another final transfer coding make the head unframeable; the reader reports that instead of
 * guessing, as a careful origin would. Bare LF line endings are accepted (RFC 9112 2.2 allows it).
 */
final class Http1RequestReader {
  private static final int MAX_HEAD = 1 << 20;
  private static final String TCHAR = "!#$%&'*+-.^_`|~";

  private final InputStream in;

  Http1RequestReader(InputStream in) {
    this.in = in;
  }

  /**
   * Reads the next head, returned as an incomplete request (with its framing error if it has one), or null when the
   * connection ends cleanly before its first byte.
   */
  ReceivedRequest readHead(int connection) throws IOException {
    byte[] head = headBytes();
    if (head == null) {
      return null;
    }
    List<String> lines = lines(head);
    List<RawRequest.Field> fields = new ArrayList<>();
    String error = null;
    for (String line : lines.subList(1, lines.size())) {
      int colon = line.indexOf(':');
      if (line.startsWith(" ") || line.startsWith("\t")) {
        error = "obsolete line folding";
      } else if (colon <= 0 || !isToken(line.substring(0, colon))) {
        error = "invalid field line " + quote(line);
      } else {
        fields.add(new RawRequest.Field(line.substring(0, colon), trimOws(line.substring(colon + 1))));
      }
    }
    ReceivedRequest request = new ReceivedRequest(connection, lines.get(0), fields, head, new byte[0], false, error);
    if (error == null) {
      try {
        bodyLength(request);
      } catch (IOException e) {
        return new ReceivedRequest(connection, lines.get(0), fields, head, new byte[0], false, e.getMessage());
      }
    }
    return request;
  }

  /**
   * Reads the body the head frames and returns the request as complete; throws {@link EOFException} when the
   * connection ends first, or an {@link IOException} when the chunked coding is broken.
   */
  ReceivedRequest readBody(ReceivedRequest head) throws IOException {
    long length = bodyLength(head);
    byte[] body = length >= 0 ? exactly(length) : chunked();
    return head.completedWith(body);
  }

  /** The declared body length, or -1 for chunked. */
  private static long bodyLength(ReceivedRequest head) throws IOException {
    List<String> codings = new ArrayList<>();
    for (String value : head.values("transfer-encoding")) {
      for (String coding : value.split(",", -1)) {
        codings.add(trimOws(coding).toLowerCase(Locale.ROOT));
      }
    }
    List<String> lengths = head.values("content-length");
    if (!codings.isEmpty()) {
      if (!lengths.isEmpty()) {
        throw new IOException("both Transfer-Encoding and Content-Length");
      }
      if (!codings.get(codings.size() - 1).equals("chunked")) {
        throw new IOException("final transfer coding is not chunked: " + codings);
      }
      return -1;
    }
    long length = -1;
    for (String value : lengths) {
      for (String element : value.split(",", -1)) {
        String digits = trimOws(element);
        if (!digits.matches("[0-9]{1,18}")) {
          throw new IOException("invalid Content-Length " + quote(value));
        }
        long parsed = Long.parseLong(digits);
        if (length >= 0 && parsed != length) {
          throw new IOException("differing Content-Length values " + lengths);
        }
        length = parsed;
      }
    }
    return Math.max(length, 0);
  }

  private byte[] headBytes() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int lineLength = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new EOFException("connection ended inside a head");
      }
      if (b == '\n') {
        if (lineLength == 0) {
          if (isBlank(head)) {
            head.reset(); // empty lines before a request line are ignored (RFC 9112 2.2)
            continue;
          }
          head.write(b);
          return head.toByteArray();
        }
        lineLength = 0;
      } else if (b != '\r') {
        lineLength++;
      }
      head.write(b);
      if (head.size() > MAX_HEAD) {
        throw new IOException("head longer than " + MAX_HEAD + " bytes");
      }
    }
  }

  private byte[] exactly(long length) throws IOException {
    byte[] body = in.readNBytes((int) Math.min(length, Integer.MAX_VALUE - 8));
    if (body.length < length) {
      throw new EOFException("connection ended after " + body.length + " of " + length + " body bytes");
    }
    return body;
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line();
      int semicolon = sizeLine.indexOf(';');
      String size = trimOws(semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon));
      if (!size.matches("[0-9A-Fa-f]{1,15}")) {
        throw new IOException("invalid chunk size " + quote(sizeLine));
      }
      long length = Long.parseLong(size, 16);
      if (length == 0) {
        while (!line().isEmpty()) {
          // trailer field lines are read and dropped
        }
        return body.toByteArray();
      }
      body.write(exactly(length));
      if (!line().isEmpty()) {
        throw new IOException("chunk data not followed by CRLF");
      }
    }
  }

  /** One line without its line ending (CRLF or bare LF). */
  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection ended inside chunked framing");
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
      if (line.size() > MAX_HEAD) {
        throw new IOException("chunk line longer than " + MAX_HEAD + " bytes");
      }
    }
  }

  private static List<String> lines(byte[] head) {
    String text = new String(head, StandardCharsets.ISO_8859_1);
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      String stripped = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      if (!stripped.isEmpty()) {
        lines.add(stripped);
      }
    }
    return lines;
  }

  private static boolean isBlank(ByteArrayOutputStream bytes) {
    for (byte b : bytes.toByteArray()) {
      if (b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!alnum && TCHAR.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Removes optional whitespace (SP and HTAB, RFC 9110 5.6.3) at both ends; nothing else. */
  static String trimOws(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(start, end);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0").replace("\t", "\\t") + "\"";
  }
}
