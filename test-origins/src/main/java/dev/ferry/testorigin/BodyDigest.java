package dev.ferry.testorigin;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A running SHA-256 of a request body, so that {@code /sink} can prove which bytes arrived without keeping them:
 * tests compare it with the hash of what they sent, even for a 1 GiB upload.
 */
final class BodyDigest {
    static final String HEADER = "x-body-sha256";

    private final MessageDigest digest;

    BodyDigest() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    void update(ByteBuf data) {
        for (ByteBuffer b : data.nioBuffers(data.readerIndex(), data.readableBytes())) {
            digest.update(b);
        }
    }

    /** Lower-case hex; ends this digest. */
    String finish() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
