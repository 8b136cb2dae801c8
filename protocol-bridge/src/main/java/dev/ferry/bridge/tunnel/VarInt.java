package dev.ferry.bridge.tunnel;

import io.netty.buffer.ByteBuf;

/**
 * QUIC variable-length integers (RFC 9000 section 16), the encoding every field of the capsule protocol and of HTTP
 * Datagrams uses (RFC 9297 sections 2.1 and 3.2).
 *
 * <p>The two most significant bits of the first byte give the encoded length (1, 2, 4 or 8 bytes); the remaining
 * bits hold the value in network byte order, so values range from 0 to {@link #MAX} = 2<sup>62</sup>-1. Writers use
 * the shortest encoding; readers accept any encoding, as RFC 9000 section 16 requires ("values do not need to be
 * encoded on the minimum number of bytes").
 */
public final class VarInt {

    /** The largest value a variable-length integer can carry: 2<sup>62</sup>-1 (RFC 9000 section 16). */
    public static final long MAX = (1L << 62) - 1;

    private VarInt() {
    }

    /**
     * Returns the number of bytes the shortest encoding of {@code v} takes: 1, 2, 4 or 8.
     *
     * @throws IllegalArgumentException if {@code v} is negative or greater than {@link #MAX}
     */
    public static int size(long v) {
        check(v);
        if (v < (1L << 6)) {
            return 1;
        }
        if (v < (1L << 14)) {
            return 2;
        }
        if (v < (1L << 30)) {
            return 4;
        }
        return 8;
    }

    /**
     * Writes the shortest encoding of {@code v} at {@code out}'s writer index.
     *
     * @throws IllegalArgumentException if {@code v} is negative or greater than {@link #MAX}
     */
    public static void write(ByteBuf out, long v) {
        switch (size(v)) {
            case 1 -> out.writeByte((int) v);
            case 2 -> out.writeShort((int) v | 0x4000);
            case 4 -> out.writeInt((int) v | 0x8000_0000);
            default -> out.writeLong(v | 0xC000_0000_0000_0000L);
        }
    }

    /**
     * Reads one variable-length integer at {@code in}'s reader index.
     *
     * @return the value, or -1 if {@code in} does not hold the whole encoding yet; then the reader index is unchanged,
     *         so a caller decoding a stream can wait for more bytes and try again
     */
    public static long read(ByteBuf in) {
        if (!in.isReadable()) {
            return -1;
        }
        int index = in.readerIndex();
        int length = encodedLength(in.getByte(index));
        if (in.readableBytes() < length) {
            return -1;
        }
        long v = switch (length) {
            case 1 -> in.getByte(index) & 0x3F;
            case 2 -> in.getShort(index) & 0x3FFF;
            case 4 -> in.getInt(index) & 0x3FFF_FFFFL;
            default -> in.getLong(index) & MAX;
        };
        in.skipBytes(length);
        return v;
    }

    /** Returns the length in bytes (1, 2, 4 or 8) of the encoding whose first byte is {@code first}. */
    public static int encodedLength(byte first) {
        return 1 << ((first & 0xC0) >>> 6);
    }

    private static void check(long v) {
        if (v < 0 || v > MAX) {
            throw new IllegalArgumentException("value out of range for a QUIC variable-length integer: " + v
                    + " (must be 0.." + MAX + ")");
        }
    }
}
