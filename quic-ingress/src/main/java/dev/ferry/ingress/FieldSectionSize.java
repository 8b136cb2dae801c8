package dev.ferry.ingress;

import io.netty.buffer.ByteBuf;

/**
 * An upper bound on the decoded size of a QPACK-encoded field section (RFC 9204 section 4.5), as RFC 9114 4.2.2
 * counts it: name and value lengths plus 32 bytes per field, computed from the encoded bytes without decoding.
 *
 * <p>The bound is what lets {@link FieldSectionGuard} refuse an oversized request on its own stream: Netty's codec
 * treats a decoded section over SETTINGS_MAX_FIELD_SECTION_SIZE as a connection error, so a section whose decoded
 * size could exceed the limit must never reach it. Exact sizes would need the Huffman table; instead a Huffman-coded
 * string counts as 8/5 of its encoded length (the shortest Huffman code is 5 bits), a static table reference as the
 * largest static entry, and any dynamic reference the same (the relay runs with the dynamic table off, so such a
 * reference fails in the codec anyway). The bound therefore errs only upwards, and only for sections near the limit.
 */
final class FieldSectionSize {
    /** RFC 9114 4.2.2: each field costs its name and value plus 32 bytes. */
    static final int FIELD_OVERHEAD = 32;
    /** Longer than any name in the QPACK static table (RFC 9204 Appendix A; the longest has 32 characters). */
    static final int STATIC_NAME_MAX = 40;
    /** Longer than any name plus value in the static table (the longest entry has 76 characters). */
    static final int STATIC_ENTRY_MAX = 96;
    /** Returned when the bytes are not a well-formed field section; the codec reports that itself. */
    static final long MALFORMED = -1;

    private FieldSectionSize() {
    }

    /**
     * The bound for the {@code length} bytes at {@code offset} of {@code buf} (not moving its indices), at most
     * {@code cap + 1}: counting stops once the bound passes {@code cap}. {@link #MALFORMED} when the bytes end inside
     * a field line.
     */
    static long upperBound(ByteBuf buf, int offset, int length, long cap) {
        Cursor c = new Cursor(buf, offset, offset + length);
        // Encoded field section prefix: Required Insert Count (8-bit prefix), sign bit and Delta Base (7-bit prefix).
        if (c.prefixInt(8) < 0 || c.prefixInt(7) < 0) {
            return MALFORMED;
        }
        long total = 0;
        while (c.hasMore()) {
            int first = c.peek();
            long field;
            if ((first & 0x80) != 0) {
                // Indexed field line.
                field = c.prefixInt(6) < 0 ? MALFORMED : STATIC_ENTRY_MAX;
            } else if ((first & 0x40) != 0) {
                // Literal field line with name reference, then the value.
                field = c.prefixInt(4) < 0 ? MALFORMED : plus(STATIC_NAME_MAX, c.string(7));
            } else if ((first & 0x20) != 0) {
                // Literal field line with literal name (3-bit prefix, H at 0x08), then the value.
                field = plus(c.string(3), c.string(7));
            } else if ((first & 0x10) != 0) {
                // Indexed field line with post-base index.
                field = c.prefixInt(4) < 0 ? MALFORMED : STATIC_ENTRY_MAX;
            } else {
                // Literal field line with post-base name reference, then the value.
                field = c.prefixInt(3) < 0 ? MALFORMED : plus(STATIC_NAME_MAX, c.string(7));
            }
            if (field < 0) {
                return MALFORMED;
            }
            total += FIELD_OVERHEAD + field;
            if (total > cap) {
                return cap + 1;
            }
        }
        return total;
    }

    private static long plus(long a, long b) {
        return a < 0 || b < 0 ? MALFORMED : a + b;
    }

    /** Reads QPACK prefix integers and string literals over a fixed range of a buffer. */
    private static final class Cursor {
        private final ByteBuf buf;
        private final int end;
        private int index;

        Cursor(ByteBuf buf, int start, int end) {
            this.buf = buf;
            this.index = start;
            this.end = end;
        }

        boolean hasMore() {
            return index < end;
        }

        int peek() {
            return buf.getUnsignedByte(index);
        }

        /** An integer with an {@code n}-bit prefix (RFC 7541 5.1), or -1 when truncated or absurdly large. */
        long prefixInt(int n) {
            if (index >= end) {
                return -1;
            }
            int max = (1 << n) - 1;
            long value = buf.getUnsignedByte(index++) & max;
            if (value < max) {
                return value;
            }
            int shift = 0;
            while (true) {
                if (index >= end || shift > 56) {
                    return -1;
                }
                int b = buf.getUnsignedByte(index++);
                value += (long) (b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
        }

        /**
         * A string literal whose length has an {@code n}-bit prefix and whose Huffman flag is the bit just above it;
         * returns the bound on its decoded length and moves past it, or -1 when it runs past the end.
         */
        long string(int n) {
            if (index >= end) {
                return -1;
            }
            boolean huffman = (buf.getUnsignedByte(index) & (1 << n)) != 0;
            long length = prefixInt(n);
            if (length < 0 || length > end - index) {
                return -1;
            }
            index += (int) length;
            return huffman ? (length * 8 + 4) / 5 : length;
        }
    }
}
