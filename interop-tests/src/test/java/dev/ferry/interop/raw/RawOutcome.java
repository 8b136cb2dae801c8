package dev.ferry.interop.raw;

import io.netty.handler.codec.http3.Http3ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How a raw request ended: with a complete response (a status, a body and a FIN), or with the server resetting the
 * stream (its HTTP/3 error code), or otherwise (the stream or connection closed without either).
 *
 * @param status    the final status, or -1 when no final head arrived
 * @param body      the response body bytes received
 * @param complete  whether the response ended with a FIN
 * @param resetCode the application error code of the server's RESET_STREAM, or -1
 * @param detail    what else happened, for failure messages
 * @param headers   the field lines of the final response head, in the order received (empty when none arrived)
 * @param interimStatuses the status of each interim (1xx) response head received before the final one, in order
 */
public record RawOutcome(int status, byte[] body, boolean complete, long resetCode, String detail,
                         List<RawRequest.Field> headers, List<Integer> interimStatuses) {

  public RawOutcome {
    headers = headers == null ? List.of() : List.copyOf(headers);
    interimStatuses = interimStatuses == null ? List.of() : List.copyOf(interimStatuses);
  }

  /** An outcome without response fields or interim responses. */
  public RawOutcome(int status, byte[] body, boolean complete, long resetCode, String detail) {
    this(status, body, complete, resetCode, detail, List.of(), List.of());
  }

  /** The value of the first field line of the final response head with this name (any case), or null. */
  public String header(String name) {
    for (RawRequest.Field field : headers) {
      if (field.name().equalsIgnoreCase(name)) {
        return field.value();
      }
    }
    return null;
  }

  public boolean isReset() {
    return resetCode >= 0;
  }

  /** A complete response with this status. */
  public boolean isResponse(int expected) {
    return complete && status == expected;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    if (isReset()) {
      return "stream reset with " + name(resetCode) + (status >= 0 ? " after status " + status : "");
    }
    String interim = interimStatuses.isEmpty() ? "" : "interim " + interimStatuses + " then ";
    if (status >= 0) {
      return interim + "status " + status + (complete ? "" : " (incomplete)") + ", " + body.length + " body bytes"
          + (detail == null ? "" : ", " + detail);
    }
    return interim + "no response: " + detail;
  }

  /** The RFC 9114 name of an HTTP/3 error code, with its value in hex. */
  public static String name(long code) {
    for (Http3ErrorCode known : Http3ErrorCode.values()) {
      if (known.code() == code) {
        return known.name() + " (0x" + Long.toHexString(code) + ")";
      }
    }
    return "0x" + Long.toHexString(code);
  }
}
