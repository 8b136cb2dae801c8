package dev.ferry.bridge.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes capsules (RFC 9297 section 3.2) for the DATA frames of a request stream.
 *
 * <p>A DATAGRAM capsule (RFC 9297 section 3.5) carries an HTTP Datagram on the stream instead of in a QUIC DATAGRAM
 * frame: used when the peer did not negotiate QUIC datagrams, or when a payload is too large for one; an
 * intermediary may carry the same HTTP Datagram either way (RFC 9297 section 3.5).
 */
public final class CapsuleEncoder {

    private CapsuleEncoder() {
    }

    /**
     * Encodes a DATAGRAM capsule: type 0x00, Capsule Length, the Context ID (RFC 9298 section 5), then
     * {@code payload}.
     *
     * @param payload the UDP payload or other context data; always released by this method, also on failure
     * @return a new buffer the caller owns
     * @throws IllegalArgumentException if {@code contextId} is not a valid variable-length integer
     */
    public static ByteBuf datagram(ByteBufAllocator alloc, long contextId, ByteBuf payload) {
        try {
            int contextSize = VarInt.size(contextId);
            long length = (long) contextSize + payload.readableBytes();
            ByteBuf out = alloc.buffer(VarInt.size(Capsule.DATAGRAM) + VarInt.size(length) + (int) length);
            VarInt.write(out, Capsule.DATAGRAM);
            VarInt.write(out, length);
            VarInt.write(out, contextId);
            out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
            return out;
        } finally {
            payload.release();
        }
    }

    /**
     * Encodes a capsule of any type: Capsule Type, Capsule Length, {@code payload}.
     *
     * @param payload the Capsule Value; always released by this method, also on failure
     * @return a new buffer the caller owns
     * @throws IllegalArgumentException if {@code type} is not a valid variable-length integer
     */
    public static ByteBuf capsule(ByteBufAllocator alloc, long type, ByteBuf payload) {
        try {
            int length = payload.readableBytes();
            ByteBuf out = alloc.buffer(VarInt.size(type) + VarInt.size(length) + length);
            VarInt.write(out, type);
            VarInt.write(out, length);
            out.writeBytes(payload, payload.readerIndex(), length);
            return out;
        } finally {
            payload.release();
        }
    }

    /**
     * Returns the size of the DATAGRAM capsule {@link #datagram} writes for a payload of {@code payloadLength} bytes:
     * useful to size a DATA frame or to check a stream's flow-control window.
     */
    public static int datagramSize(long contextId, int payloadLength) {
        long length = (long) VarInt.size(contextId) + payloadLength;
        return VarInt.size(Capsule.DATAGRAM) + VarInt.size(length) + (int) length;
    }
}
