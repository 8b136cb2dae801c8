package dev.ferry.http3;

import dev.ferry.bridge.tunnel.VarInt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * HTTP Datagrams carried in QUIC DATAGRAM frames (RFC 9297 section 2.1): Quarter Stream ID, then the HTTP Datagram
 * Payload, which for CONNECT-UDP is a Context ID followed by the context's data (RFC 9298 section 5; context 0 is a
 * UDP payload).
 *
 * <p>The Quarter Stream ID is the request stream's ID divided by four: HTTP requests travel on client-initiated
 * bidirectional streams, whose IDs are multiples of four, and the division saves bytes on every datagram. The largest
 * legal QUIC stream ID is 2<sup>62</sup>-1, so the largest legal Quarter Stream ID is 2<sup>60</sup>-1.
 *
 * <p>Errors: RFC 9297 section 2.1 makes a malformed or too large Quarter Stream ID a connection error of type
 * H3_DATAGRAM_ERROR, while a datagram for a stream without a tunnel, or whose payload is malformed, is dropped. This
 * class only reports what it finds ({@link #streamId} returns -1, {@link #decode} returns null); the caller decides,
 * typically: {@code streamId(frame) < 0} closes the connection, {@code decode(frame) == null} drops the datagram.
 */
public final class HttpDatagram {

    /** The largest legal Quarter Stream ID: 2<sup>60</sup>-1 (RFC 9297 section 2.1). */
    public static final long MAX_QUARTER_STREAM_ID = (1L << 60) - 1;

    /**
     * A decoded HTTP Datagram.
     *
     * @param streamId  the request stream's ID (Quarter Stream ID times four)
     * @param contextId the Context ID (RFC 9298 section 4)
     * @param payload   the context data, a retained slice of the frame that the caller releases
     */
    public record Decoded(long streamId, long contextId, ByteBuf payload) {
    }

    private HttpDatagram() {
    }

    /**
     * Encodes an HTTP Datagram for a QUIC DATAGRAM frame.
     *
     * @param streamId  the request stream: a client-initiated bidirectional stream ID ({@code streamId % 4 == 0})
     * @param contextId the Context ID, 0 for UDP payloads
     * @param payload   the context data; always released by this method, also on failure
     * @return a new buffer the caller owns
     * @throws IllegalArgumentException if {@code streamId} is not a client-initiated bidirectional stream ID in range,
     *                                  or {@code contextId} is not a valid variable-length integer
     */
    public static ByteBuf encode(ByteBufAllocator alloc, long streamId, long contextId, ByteBuf payload) {
        try {
            int length = payload.readableBytes();
            ByteBuf out = alloc.buffer(overhead(streamId, contextId) + length);
            VarInt.write(out, streamId >>> 2);
            VarInt.write(out, contextId);
            out.writeBytes(payload, payload.readerIndex(), length);
            return out;
        } finally {
            payload.release();
        }
    }

    /**
     * Decodes an HTTP Datagram. The frame's reader index is left where it was; the caller still owns and releases
     * {@code frame}.
     *
     * @return the datagram, or null if it is malformed: a truncated Quarter Stream ID or Context ID, or a Quarter
     *         Stream ID above {@link #MAX_QUARTER_STREAM_ID}
     */
    public static Decoded decode(ByteBuf frame) {
        ByteBuf in = frame.duplicate();
        long quarter = VarInt.read(in);
        if (quarter < 0 || quarter > MAX_QUARTER_STREAM_ID) {
            return null;
        }
        long contextId = VarInt.read(in);
        if (contextId < 0) {
            return null;
        }
        return new Decoded(quarter << 2, contextId, in.retainedSlice());
    }

    /**
     * Returns the request stream ID a datagram belongs to, or -1 if its Quarter Stream ID is truncated or above
     * {@link #MAX_QUARTER_STREAM_ID}: the case RFC 9297 section 2.1 makes a connection error (H3_DATAGRAM_ERROR).
     * Does not move the frame's reader index.
     */
    public static long streamId(ByteBuf frame) {
        long quarter = VarInt.read(frame.duplicate());
        return quarter < 0 || quarter > MAX_QUARTER_STREAM_ID ? -1 : quarter << 2;
    }

    /**
     * Returns the bytes {@link #encode} adds in front of the payload, so a sender can check that a payload fits the
     * peer's {@code max_datagram_frame_size} (RFC 9221 section 3) once the DATAGRAM frame's own type and length are
     * counted, and send it as a DATAGRAM capsule (RFC 9297 section 3.5) or drop it otherwise.
     *
     * @throws IllegalArgumentException as {@link #encode} does
     */
    public static int overhead(long streamId, long contextId) {
        if (streamId < 0 || streamId > VarInt.MAX || (streamId & 3) != 0) {
            throw new IllegalArgumentException("not a client-initiated bidirectional stream ID: " + streamId);
        }
        return VarInt.size(streamId >>> 2) + VarInt.size(contextId);
    }
}
