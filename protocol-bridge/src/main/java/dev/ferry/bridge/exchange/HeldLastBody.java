package dev.ferry.bridge.exchange;

import io.netty.buffer.ByteBuf;

/**
 * The request body bytes that complete a declared Content-Length, held by an HTTP/2 or HTTP/3 ingress until the
 * end of the stream shows that nothing follows them. Passed on at once, they would give an origin a complete
 * request even when more DATA then makes the message malformed (RFC 9113 8.1.1, RFC 9114 4.1.2), and an HTTP/1.1
 * origin would take the request as valid. Used on the stream's event loop only.
 */
public final class HeldLastBody {
    private ByteBuf held;

    /** Holds {@code piece} (taking ownership) until {@link #passTo} or {@link #release}. */
    public void hold(ByteBuf piece) {
        release();
        held = piece;
    }

    /** Hands the held bytes, if any, to {@code exchange}. */
    public void passTo(ClientStreamListener exchange) {
        ByteBuf piece = held;
        if (piece != null) {
            held = null;
            exchange.onRequestBody(piece);
        }
    }

    /** Drops the held bytes: the request turned out malformed, or the stream went away. */
    public void release() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
