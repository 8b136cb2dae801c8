package dev.ferry.interop.hostile;

import dev.ferry.interop.raw.RawRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bytes of one HTTP/3 HEADERS frame (RFC 9114 7.2.2) built by hand, so that a test can write a header section
 * in pieces of its choosing below any codec: the frame type 0x01, the payload length as a two-byte variable-length
 * integer (RFC 9000 16; a longer encoding than needed is allowed, and it makes the frame's first three bytes the
 * same whatever its length), then a QPACK field section (RFC 9204 4.5) with no dynamic table reference and every
 * field line a literal with a literal name, without Huffman coding. Any QPACK decoder must take that, whatever its
 * table settings.
 */
final class LiteralHeadersFrame {
  /** Frame type and length take three bytes. */
  static final int PREFIX_LENGTH = 3;

  private LiteralHeadersFrame() {}

  static byte[] of(List<RawRequest.Field> fields) {
    ByteArrayOutputStream section = new ByteArrayOutputStream();
    section.write(0x00); // Required Insert Count 0
    section.write(0x00); // S = 0, Delta Base 0
    for (RawRequest.Field field : fields) {
      byte[] name = field.name().getBytes(StandardCharsets.ISO_8859_1);
      byte[] value = field.value().getBytes(StandardCharsets.ISO_8859_1);
      // Literal Field Line with Literal Name (RFC 9204 4.5.6): 001 N H, then the name length with a 3-bit prefix.
      integer(section, 0x20, 3, name.length);
      section.writeBytes(name);
      // The value: H = 0, length with a 7-bit prefix.
      integer(section, 0x00, 7, value.length);
      section.writeBytes(value);
    }
    int length = section.size();
    if (length >= 1 << 14) {
      throw new IllegalArgumentException("a field section of " + length + " bytes needs more than two length bytes");
    }
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x01);
    frame.write(0x40 | (length >> 8));
    frame.write(length & 0xff);
    frame.writeBytes(section.toByteArray());
    return frame.toByteArray();
  }

  /** An integer with an N-bit prefix (RFC 7541 5.1, used by RFC 9204 4.1.1) after the pattern bits {@code high}. */
  private static void integer(ByteArrayOutputStream out, int high, int prefixBits, int value) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      out.write(high | value);
      return;
    }
    out.write(high | max);
    int rest = value - max;
    while (rest >= 0x80) {
      out.write((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    out.write(rest);
  }
}
