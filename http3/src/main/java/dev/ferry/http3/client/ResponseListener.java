package dev.ferry.http3.client;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http3.Http3Headers;

/**
 * Receives one response as it arrives, so that large bodies never need to be held in memory. All methods run on the
 * connection's event loop, in order; they must not block for long, and the {@code ByteBuf} given to
 * {@link #onData} is released once the method returns. Exactly one of {@link #onComplete} or {@link #onError} is
 * called last.
 */
public interface ResponseListener {

    /** An informational (1xx) head; ignored by default. */
    default void onInformational(Http3Headers head) {
    }

    /** The final response head; {@code head.status()} holds the status code. */
    void onHead(Http3Headers head);

    /** A chunk of the response body; throwing cancels the stream and reports the exception to {@link #onError}. */
    void onData(ByteBuf data) throws Exception;

    /** The trailer section, if the server sent one. */
    default void onTrailers(Http3Headers trailers) {
    }

    /** The response ended with a FIN. */
    void onComplete();

    /** The exchange failed: stream reset ({@link Http3StreamResetException}), connection loss or a local error. */
    void onError(Throwable cause);
}
