package dev.ferry.interop.origins;

/**
 * Reads the body length out of a {@code /bytes/N} request target (query string ignored): what the origins here and
 * the request batches agree on.
 */
final class BytesPath {
  private static final String PREFIX = "/bytes/";
  private static final int MAX = 16 << 20;

  private BytesPath() {
  }

  /** The target asking for {@code length} bytes, made unique by {@code request}. */
  static String of(int length, int request) {
    return PREFIX + length + "?request=" + request;
  }

  /** N from {@code /bytes/N}, or -1 when the target is not of that form or N is out of range. */
  static int length(String target) {
    if (!target.startsWith(PREFIX)) {
      return -1;
    }
    int end = target.indexOf('?');
    String digits = target.substring(PREFIX.length(), end < 0 ? target.length() : end);
    if (!digits.matches("[0-9]{1,9}")) {
      return -1;
    }
    int length = Integer.parseInt(digits);
    return length <= MAX ? length : -1;
  }
}
