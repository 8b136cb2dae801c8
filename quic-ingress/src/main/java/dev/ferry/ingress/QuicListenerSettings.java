package dev.ferry.ingress;

import dev.ferry.http3.QuicPacketSizes;
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
 * @param maxFieldSectionSize  the largest request header or trailer section accepted, as RFC 9114 4.2.2 counts it,
 *                             advertised in SETTINGS_MAX_FIELD_SECTION_SIZE (default 64 KiB); a larger request head
 *                             gets 431 on its own stream
 * @param requestHeadTimeout   how long a request stream may take to complete its header section (default 10 s);
 *                             past it the stream is answered 408
 * @param maxUdpPayload        the largest UDP payload sent (default 1350, see {@link QuicPacketSizes})
 * @param retryTokens          address validation with Retry ({@link RetryTokens}), or null for none (the default)
 * @param earlyData            accept 0-RTT early data from resuming clients, under the rules of {@link EarlyRequests}
 *                             (default false); the TLS context must allow it too
 * @param hqInterop            serve HTTP/0.9 over QUIC (ALPN {@code hq-interop}, the QUIC interop runner's protocol)
 *                             instead of HTTP/3 (default false); the TLS context must offer that ALPN alone
 * @param qlogDir              a directory for one qlog file per connection (quiche's JSON-SEQ), or null for none
 *                             (the default)
 */
public record QuicListenerSettings(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamData,
                                   long maxConcurrentStreams, boolean extendedConnect, boolean datagrams,
                                   long maxFieldSectionSize, Duration requestHeadTimeout, int maxUdpPayload,
                                   RetryTokens retryTokens, boolean earlyData, boolean hqInterop,
                                   String qlogDir) {
    public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(10);
    /** 64 KiB: above what browsers send with large cookies (nginx takes 4 x 8 KiB lines, Envoy 60 KiB). */
    public static final long DEFAULT_MAX_FIELD_SECTION_SIZE = 64 * 1024;

    /** Queue lengths for QUIC DATAGRAM frames in each direction; beyond them datagrams are dropped, as UDP would. */
    static final int DATAGRAM_QUEUE = 1024;

    public QuicListenerSettings(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamData,
                                long maxConcurrentStreams) {
        this(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams, false, false,
                DEFAULT_MAX_FIELD_SECTION_SIZE, DEFAULT_REQUEST_HEAD_TIMEOUT, QuicPacketSizes.DEFAULT_MAX_UDP_PAYLOAD,
                null, false, false, null);
    }

    public static QuicListenerSettings defaults() {
        return new QuicListenerSettings(Duration.ofSeconds(30), 16L << 20, 1L << 20, 256);
    }

    /** These settings with tunnel support switched on or off. */
    public QuicListenerSettings withTunnels(boolean extendedConnect, boolean datagrams) {
        return new QuicListenerSettings(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                extendedConnect, datagrams, maxFieldSectionSize, requestHeadTimeout, maxUdpPayload, retryTokens,
                earlyData, hqInterop, qlogDir);
    }

    /** These settings with another field section limit. */
    public QuicListenerSettings withMaxFieldSectionSize(long bytes) {
        return new QuicListenerSettings(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                extendedConnect, datagrams, bytes, requestHeadTimeout, maxUdpPayload, retryTokens,
                earlyData, hqInterop, qlogDir);
    }

    /** These settings with another request head deadline. */
    public QuicListenerSettings withRequestHeadTimeout(Duration timeout) {
        return new QuicListenerSettings(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                extendedConnect, datagrams, maxFieldSectionSize, timeout, maxUdpPayload, retryTokens,
                earlyData, hqInterop, qlogDir);
    }

    /** These settings with another largest UDP payload. */
    public QuicListenerSettings withMaxUdpPayload(int bytes) {
        return new QuicListenerSettings(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                extendedConnect, datagrams, maxFieldSectionSize, requestHeadTimeout, bytes, retryTokens,
                earlyData, hqInterop, qlogDir);
    }

    /** These settings with address validation by Retry, or none for null. */
    public QuicListenerSettings withRetryTokens(RetryTokens tokens) {
        return new QuicListenerSettings(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                extendedConnect, datagrams, maxFieldSectionSize, requestHeadTimeout, maxUdpPayload, tokens,
                earlyData, hqInterop, qlogDir);
    }

    /** These settings with 0-RTT early data accepted or not. */
    public QuicListenerSettings withEarlyData(boolean accept) {
        return new QuicListenerSettings(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                extendedConnect, datagrams, maxFieldSectionSize, requestHeadTimeout, maxUdpPayload, retryTokens,
                accept, hqInterop, qlogDir);
    }

    /** These settings with HTTP/0.9 over QUIC ({@code hq-interop}) served instead of HTTP/3, or not. */
    public QuicListenerSettings withHqInterop(boolean serve) {
        return new QuicListenerSettings(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                extendedConnect, datagrams, maxFieldSectionSize, requestHeadTimeout, maxUdpPayload, retryTokens,
                earlyData, serve, qlogDir);
    }

    /** These settings with qlog files written into {@code dir}, or none for null. */
    public QuicListenerSettings withQlogDir(String dir) {
        return new QuicListenerSettings(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                extendedConnect, datagrams, maxFieldSectionSize, requestHeadTimeout, maxUdpPayload, retryTokens,
                earlyData, hqInterop, dir);
    }
}
