package dev.ferry.bridge.tunnel;

import io.netty.buffer.ByteBuf;

/**
 * One capsule of the capsule protocol (RFC 9297 section 3.2): a type, and a payload whose length is the capsule's
 * Capsule Length field.
 *
 * <p>The payload is reference counted and belongs to whoever holds the capsule: the consumer that receives one from
 * {@link CapsuleDecoder#feed} releases {@link #payload()} when done with it.
 *
 * @param type    the Capsule Type, 0..{@link VarInt#MAX}
 * @param payload the Capsule Value; for a {@link #DATAGRAM} capsule this is the HTTP Datagram Payload, which for
 *                CONNECT-UDP starts with the Context ID (RFC 9298 section 5)
 */
public record Capsule(long type, ByteBuf payload) {

    /** The DATAGRAM capsule type (RFC 9297 section 3.5): carries one HTTP Datagram on the request stream. */
    public static final long DATAGRAM = 0x00;

    public Capsule {
        if (type < 0 || type > VarInt.MAX) {
            throw new IllegalArgumentException("capsule type out of range: " + type);
        }
        if (payload == null) {
            throw new NullPointerException("payload");
        }
    }
}
