package dev.ferry.testorigin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The deterministic byte pattern served by {@code GET /bytes/{n}}: byte {@code i} is {@code (i * 31 + 7) & 0xFF}.
 *
 * <p>A pattern rather than zeros so that a relay which drops, repeats or reorders a chunk is caught by comparing
 * bytes; a formula rather than a random stream so that tests can check any offset without holding the body.
 * The pattern repeats every 256 bytes, which lets {@link #chunk} copy from a precomputed table.
 */
public final class PatternBytes {

    /** The chunk size the origin generates bodies in. */
    public static final int CHUNK_SIZE = 64 * 1024;

    private static final int PERIOD = 256;
    private static final byte[] TABLE = new byte[PERIOD + CHUNK_SIZE];

    static {
        for (int i = 0; i < TABLE.length; i++) {
            TABLE[i] = at(i);
        }
    }

    private PatternBytes() {
    }

    /** The pattern byte at absolute offset {@code i} of a body. */
    public static byte at(long i) {
        return (byte) ((i * 31 + 7) & 0xFF);
    }

    /** A new buffer holding {@code len} pattern bytes starting at absolute offset {@code offset}. */
    public static ByteBuf chunk(ByteBufAllocator alloc, long offset, int len) {
        if (offset < 0 || len < 0) {
            throw new IllegalArgumentException("offset and len must be >= 0");
        }
        ByteBuf buf = alloc.buffer(len);
        int written = 0;
        while (written < len) {
            int n = Math.min(CHUNK_SIZE, len - written);
            buf.writeBytes(TABLE, (int) ((offset + written) % PERIOD), n);
            written += n;
        }
        return buf;
    }

    /** A new array holding {@code len} pattern bytes starting at absolute offset {@code offset}. */
    public static byte[] bytes(long offset, int len) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[i] = at(offset + i);
        }
        return out;
    }

    /**
     * The index of the first byte of {@code data} that differs from the pattern starting at {@code offset}, or
     * {@code -1} when all match; lets a test check a streamed body piece by piece.
     */
    public static int firstMismatch(byte[] data, int from, int len, long offset) {
        for (int i = 0; i < len; i++) {
            if (data[from + i] != at(offset + i)) {
                return i;
            }
        }
        return -1;
    }
}
