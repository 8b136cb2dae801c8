package dev.ferry.bridge.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.util.function.Consumer;

/**
 * Incremental decoder for the capsule protocol (RFC 9297 section 3.2) on a request stream whose bytes arrive split
 * across DATA frames at arbitrary points.
 *
 * <p>DATAGRAM capsules (RFC 9297 section 3.5) are delivered to the consumer; every other type is unknown here and
 * is skipped: RFC 9297 section 3.2 has a receiver silently drop a capsule of unknown type and parse on after it, so
 * new capsule types can be deployed without breaking old intermediaries. Skipped capsules are streamed through, never buffered, whatever their length, so a
 * peer cannot make the relay hold memory by announcing a huge capsule of some other type.
 *
 * <p>Memory: a capsule that lies wholly inside one chunk is handed on as a retained slice of that chunk (no copy).
 * Only an incomplete capsule is kept: at most 16 bytes of header, or, once the header is known, one buffer of exactly
 * the DATAGRAM capsule's length into which each byte is copied once. A DATAGRAM capsule longer than the configured
 * maximum is refused with {@link CapsuleException} before anything of it is buffered, which keeps the memory a stream
 * can pin bounded; the caller then aborts the stream with H3_DATAGRAM_ERROR (RFC 9297 section 3.3).
 *
 * <p>Not thread-safe: one instance per stream, used from that stream's event loop. Call {@link #release()} when the
 * stream ends. After a {@link CapsuleException} or {@link #release()} the decoder accepts no more input.
 */
public final class CapsuleDecoder {

    /**
     * The default maximum Capsule Length of a DATAGRAM capsule: a maximal UDP payload (65,535 bytes) plus room for
     * the Context ID and other context data.
     */
    public static final int DEFAULT_MAX_DATAGRAM_CAPSULE_LENGTH = 65_535 + 16;

    /** A capsule header is two variable-length integers of at most 8 bytes each. */
    private static final int MAX_HEADER = 16;

    private final ByteBufAllocator alloc;
    private final int maxDatagramCapsuleLength;

    /** Bytes of a capsule header not yet complete; null while none is pending. */
    private ByteBuf header;
    /** The DATAGRAM capsule being collected, sized to its Capsule Length; null when none. */
    private ByteBuf payload;
    /** Bytes of an unknown capsule still to be skipped. */
    private long skipRemaining;
    private long skippedUnknown;
    private long skippedBytes;
    private boolean closed;

    /** A decoder with the {@linkplain #DEFAULT_MAX_DATAGRAM_CAPSULE_LENGTH default maximum} and the default allocator. */
    public CapsuleDecoder() {
        this(ByteBufAllocator.DEFAULT, DEFAULT_MAX_DATAGRAM_CAPSULE_LENGTH);
    }

    /**
     * @param alloc                    allocates the buffer for a DATAGRAM capsule that spans chunks
     * @param maxDatagramCapsuleLength the largest Capsule Length accepted for a DATAGRAM capsule, at least 0
     */
    public CapsuleDecoder(ByteBufAllocator alloc, int maxDatagramCapsuleLength) {
        if (maxDatagramCapsuleLength < 0) {
            throw new IllegalArgumentException("maxDatagramCapsuleLength: " + maxDatagramCapsuleLength
                    + " (expected: >= 0)");
        }
        this.alloc = alloc;
        this.maxDatagramCapsuleLength = maxDatagramCapsuleLength;
    }

    /**
     * Decodes the next bytes of the stream, handing each complete DATAGRAM capsule to {@code out} in stream order.
     * The consumer owns each capsule's payload and releases it.
     *
     * @param chunk the next bytes of the stream (the payload of a DATA frame); always released by this method
     * @throws CapsuleException if a DATAGRAM capsule is longer than the maximum; the decoder is then closed
     * @throws IllegalStateException if the decoder was closed by an earlier exception or by {@link #release()}
     */
    public void feed(ByteBuf chunk, Consumer<Capsule> out) throws CapsuleException {
        try {
            if (closed) {
                throw new IllegalStateException("capsule decoder is closed");
            }
            while (chunk.isReadable()) {
                if (skipRemaining > 0) {
                    int n = (int) Math.min(skipRemaining, chunk.readableBytes());
                    chunk.skipBytes(n);
                    skipRemaining -= n;
                    skippedBytes += n;
                } else if (payload != null) {
                    int n = Math.min(payload.writableBytes(), chunk.readableBytes());
                    payload.writeBytes(chunk, n);
                    if (!payload.isWritable()) {
                        ByteBuf complete = payload;
                        payload = null;
                        out.accept(new Capsule(Capsule.DATAGRAM, complete));
                    }
                } else {
                    decodeHeader(chunk, out);
                }
            }
        } catch (CapsuleException e) {
            release();
            throw e;
        } finally {
            chunk.release();
        }
    }

    /**
     * Parses one capsule header from {@code chunk} (completing a pending partial header if there is one) and acts on
     * it; if the header is still incomplete, keeps what there is and consumes the whole chunk.
     */
    private void decodeHeader(ByteBuf chunk, Consumer<Capsule> out) {
        long type;
        long length;
        if (header == null) {
            int start = chunk.readerIndex();
            type = VarInt.read(chunk);
            length = type < 0 ? -1 : VarInt.read(chunk);
            if (length < 0) {
                chunk.readerIndex(start);
                header = Unpooled.buffer(MAX_HEADER, MAX_HEADER);
                header.writeBytes(chunk);
                return;
            }
        } else {
            int pending = header.readableBytes();
            int copied = Math.min(MAX_HEADER - pending, chunk.readableBytes());
            header.writeBytes(chunk, chunk.readerIndex(), copied);
            type = VarInt.read(header);
            length = type < 0 ? -1 : VarInt.read(header);
            if (length < 0) {
                header.readerIndex(0);
                chunk.skipBytes(copied);
                return;
            }
            chunk.skipBytes(header.readerIndex() - pending);
            header.release();
            header = null;
        }
        if (type != Capsule.DATAGRAM) {
            skippedUnknown++;
            skipRemaining = length;
            return;
        }
        if (length > maxDatagramCapsuleLength) {
            throw new CapsuleException("DATAGRAM capsule of " + length + " bytes exceeds the maximum of "
                    + maxDatagramCapsuleLength);
        }
        if (chunk.readableBytes() >= length) {
            out.accept(new Capsule(Capsule.DATAGRAM, chunk.readRetainedSlice((int) length)));
        } else {
            payload = alloc.buffer((int) length, (int) length);
            payload.writeBytes(chunk);
        }
    }

    /**
     * Returns true if the stream so far ends inside a capsule. A stream that ends there is malformed (RFC 9297
     * section 3.3): the caller treats it as an error, not as a clean end of the tunnel.
     */
    public boolean isMidCapsule() {
        return header != null || payload != null || skipRemaining > 0;
    }

    /** Returns how many capsules of unknown type were skipped, counting one as soon as its header was read. */
    public long skippedUnknown() {
        return skippedUnknown;
    }

    /** Returns how many Capsule Value bytes of unknown capsules were skipped (headers not included). */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** Returns how many bytes the decoder holds for an incomplete capsule; for tests and diagnostics. */
    int bufferedBytes() {
        return (header == null ? 0 : header.readableBytes()) + (payload == null ? 0 : payload.readableBytes());
    }

    /** Releases what the decoder holds and closes it; safe to call more than once. */
    public void release() {
        closed = true;
        if (header != null) {
            header.release();
            header = null;
        }
        if (payload != null) {
            payload.release();
            payload = null;
        }
    }

    /**
     * A capsule the decoder refuses: a DATAGRAM capsule longer than the configured maximum. The caller aborts the
     * stream as for any capsule it cannot parse (RFC 9297 section 3.3; over HTTP/3 with H3_DATAGRAM_ERROR).
     */
    public static final class CapsuleException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        public CapsuleException(String message) {
            super(message);
        }
    }
}
