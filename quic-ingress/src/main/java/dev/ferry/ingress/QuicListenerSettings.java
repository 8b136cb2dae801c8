package dev.ferry.ingress;

import java.time.Duration;

/**
 * QUIC transport settings of one HTTP/3 listener.
 *
 * @param maxIdleTimeout       idle timeout advertised in the transport parameters (default 30 s)
 * @param initialMaxData       connection-level flow control window (default 16 MiB)
 * @param initialMaxStreamData per-stream flow control window, both directions (default 1 MiB)
 * @param maxConcurrentStreams bidirectional streams a client may open at once (default 256)
 */
public record QuicListenerSettings(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamData,
                                   long maxConcurrentStreams) {

    public static QuicListenerSettings defaults() {
        return new QuicListenerSettings(Duration.ofSeconds(30), 16L << 20, 1L << 20, 256);
    }
}
