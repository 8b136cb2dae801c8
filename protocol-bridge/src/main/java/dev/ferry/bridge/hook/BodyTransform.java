package dev.ferry.bridge.hook;

import dev.ferry.bridge.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.UnaryOperator;

/**
 * A streaming transform of one message body, chunk by chunk, as the bytes pass: what {@link ProxyHook#requestBody}
 * and {@link ProxyHook#responseBody} return. It runs on the exchange's event loop and must not block. Backpressure
 * is kept: each chunk's output is sent before the next chunk is read, so a transform that holds nothing back keeps
 * memory flat whatever the body's size.
 *
 * <p>Buffers: {@link #onChunk} owns the chunk it is given and hands over the buffer it returns (the same one, a new
 * one, or an empty one); what it keeps it releases in {@link #release()}, which is called exactly once, at the end
 * of the exchange however it ends.
 */
public interface BodyTransform {

    /**
     * The bytes to send for {@code chunk}.
     *
     * @throws ProxyException to fail the exchange by the usual rule (a status before the response head, a reset
     *                        after it)
     */
    ByteBuf onChunk(ByteBuf chunk);

    /** Bytes to send once the body has ended, before its trailers; null for none. */
    default ByteBuf onEnd() {
        return null;
    }

    /**
     * Whether the output is exactly as long as the input. If not (the default), Content-Length is removed and the
     * body goes in frames (HTTP/2, HTTP/3) or chunked (HTTP/1.1).
     */
    default boolean preservesLength() {
        return false;
    }

    /** Releases whatever the transform still holds. */
    default void release() {
    }

    /**
     * The explicit choice to see a body whole: collects up to {@code maxBytes}, then sends what {@code whole}
     * makes of it. A longer body fails the exchange with {@code tooLong}'s answer (a request: 413 from
     * {@link ProxyException#badRequest(int, String)}); memory grows with the body up to the bound.
     *
     * @param whole takes ownership of the collected body and returns the buffer to send
     */
    static BodyTransform buffered(long maxBytes, UnaryOperator<ByteBuf> whole, ProxyException tooLong) {
        return new BodyTransform() {
            private CompositeByteBuf collected = Unpooled.compositeBuffer(Integer.MAX_VALUE);

            @Override
            public ByteBuf onChunk(ByteBuf chunk) {
                if (collected.readableBytes() + (long) chunk.readableBytes() > maxBytes) {
                    chunk.release();
                    throw tooLong;
                }
                collected.addComponent(true, chunk);
                return Unpooled.EMPTY_BUFFER;
            }

            @Override
            public ByteBuf onEnd() {
                ByteBuf body = collected;
                collected = null;
                return whole.apply(body);
            }

            @Override
            public void release() {
                if (collected != null) {
                    collected.release();
                    collected = null;
                }
            }
        };
    }
}
