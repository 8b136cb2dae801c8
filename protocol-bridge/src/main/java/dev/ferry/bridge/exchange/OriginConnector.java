package dev.ferry.bridge.exchange;

import io.netty.channel.EventLoop;

/**
 * Opens exchanges with one origin (its endpoints, protocol and pool). Implemented by the origin client; chosen per
 * request by an {@link OriginSelector}.
 */
public interface OriginConnector {

    /**
     * Starts sending {@code originRequest} to the origin. Connection set-up happens asynchronously on
     * {@code eventLoop}, which is the client stream's loop, and every listener call happens there too.
     * The returned exchange accepts body bytes at once; they are held until the origin is ready.
     */
    OriginExchange open(EventLoop eventLoop, RequestHead originRequest, OriginListener listener);

    /** Closes pooled connections and refuses new exchanges. */
    default void close() {
    }
}
