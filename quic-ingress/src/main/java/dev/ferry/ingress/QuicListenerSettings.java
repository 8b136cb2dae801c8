package dev.ferry.ingress;

import java.time.Duration;

/**
 * QUIC and HTTP/3 settings of one HTTP/3 listener.
 *
 * @param maxIdleTimeout       idle timeout advertised in the transport parameters (default 30 s)
 * @param initialMaxData       connection-level flow control window (default 16 MiB)
 * @param initialMaxStreamData per-stream flow control window, both directions (default 1 MiB)
 * @param maxConcurrentStreams bidirectional streams a client may open at once (default 256)
 * @param extendedConnect      advertise SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 9220), needed by CONNECT-UDP
 *                             (default false: only when tunnels are enabled)
 * @param datagrams            advertise SETTINGS_H3_DATAGRAM together with the QUIC {@code max_datagram_frame_size}
 *                             transport parameter (default false: only when CONNECT-UDP is enabled)
 */
public record QuicListenerSettings(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamData,
                                   long maxConcurrentStreams, boolean extendedConnect, boolean datagrams) {

    /** Queue lengths for QUIC DATAGRAM frames in each direction; beyond them datagrams are dropped, as UDP would. */
    static final int DATAGRAM_QUEUE = 1024;

    public QuicListenerSettings(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamData,
                                long maxConcurrentStreams) {
        this(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams, false, false);
    }

    public static QuicListenerSettings defaults() {
        return new QuicListenerSettings(Duration.ofSeconds(30), 16L << 20, 1L << 20, 256);
    }

    /** These settings with tunnel support switched on or off. */
    public QuicListenerSettings withTunnels(boolean extendedConnect, boolean datagrams) {
        return new QuicListenerSettings(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                extendedConnect, datagrams);
    }
}
