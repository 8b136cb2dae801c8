package dev.ferry.origin;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * Request body events that arrived before the origin stream was ready, replayed in order once it is. Small by
 * construction: the driver stops reading the client while the origin is not writable.
 */
final class PendingRequestBody {
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>(2);
    private boolean ended;
    private HttpHeaders trailers;

    void add(ByteBuf data) {
        chunks.add(data);
    }

    void end(HttpHeaders trailers) {
        this.ended = true;
        this.trailers = trailers;
    }

    boolean hasBody() {
        return !chunks.isEmpty();
    }

    boolean ended() {
        return ended;
    }

    HttpHeaders trailers() {
        return trailers;
    }

    ByteBuf poll() {
        return chunks.poll();
    }

    void release() {
        ByteBuf b;
        while ((b = chunks.poll()) != null) {
            ReferenceCountUtil.release(b);
        }
    }
}
