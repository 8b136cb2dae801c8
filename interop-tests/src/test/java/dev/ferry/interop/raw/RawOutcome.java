package dev.ferry.interop.raw;

import io.netty.handler.codec.http3.Http3ErrorCode;
import java.nio.charset.StandardCharsets;

/**
 * How a raw request ended: with a complete response (a status, a body and a FIN), or with the server resetting the
 * stream (its HTTP/3 error code), or otherwise (the stream or connection closed without either).
 *
 * @param status    the final status, or -1 when no final head arrived
 * @param body      the response body bytes received
 * @param complete  whether the response ended with a FIN
 * @param resetCode the application error code of the server's RESET_STREAM, or -1
 * @param detail    what else happened, for failure messages
 */
public record RawOutcome(int status, byte[] body, boolean complete, long resetCode, String detail) {

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
    if (status >= 0) {
      return "status " + status + (complete ? "" : " (incomplete)") + ", " + body.length + " body bytes"
          + (detail == null ? "" : ", " + detail);
    }
    return "no response: " + detail;
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
