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

    /** The defaults of every setting. */
    public static QuicListenerSettings defaults() {
        return builder().build();
    }

    /**
     * A builder starting from the defaults. One builder rather than a copy method per setting: the settings grow with
     * the listener's features, and each copy method had to repeat every one of them.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link QuicListenerSettings}; every setting starts at its documented default. */
    public static final class Builder {
        private Duration maxIdleTimeout = Duration.ofSeconds(30);
        private long initialMaxData = 16L << 20;
        private long initialMaxStreamData = 1L << 20;
        private long maxConcurrentStreams = 256;
        private boolean extendedConnect;
        private boolean datagrams;
        private long maxFieldSectionSize = DEFAULT_MAX_FIELD_SECTION_SIZE;
        private Duration requestHeadTimeout = DEFAULT_REQUEST_HEAD_TIMEOUT;
        private int maxUdpPayload = QuicPacketSizes.DEFAULT_MAX_UDP_PAYLOAD;
        private RetryTokens retryTokens;
        private boolean earlyData;
        private boolean hqInterop;
        private String qlogDir;

        private Builder() {
        }

        /** The transport parameters: idle timeout, connection and stream windows, concurrent streams. */
        public Builder transport(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamData,
                                 long maxConcurrentStreams) {
            this.maxIdleTimeout = maxIdleTimeout;
            this.initialMaxData = initialMaxData;
            this.initialMaxStreamData = initialMaxStreamData;
            this.maxConcurrentStreams = maxConcurrentStreams;
            return this;
        }

        /** Tunnel support: extended CONNECT, and HTTP Datagrams with QUIC DATAGRAM frames. */
        public Builder tunnels(boolean extendedConnect, boolean datagrams) {
            this.extendedConnect = extendedConnect;
            this.datagrams = datagrams;
            return this;
        }

        public Builder maxFieldSectionSize(long bytes) {
            this.maxFieldSectionSize = bytes;
            return this;
        }

        public Builder requestHeadTimeout(Duration timeout) {
            this.requestHeadTimeout = timeout;
            return this;
        }

        public Builder maxUdpPayload(int bytes) {
            this.maxUdpPayload = bytes;
            return this;
        }

        /** Address validation by Retry, or none for null. */
        public Builder retryTokens(RetryTokens tokens) {
            this.retryTokens = tokens;
            return this;
        }

        public Builder earlyData(boolean accept) {
            this.earlyData = accept;
            return this;
        }

        /** HTTP/0.9 over QUIC ({@code hq-interop}) instead of HTTP/3. */
        public Builder hqInterop(boolean serve) {
            this.hqInterop = serve;
            return this;
        }

        /** A directory for qlog files, or none for null. */
        public Builder qlogDir(String dir) {
            this.qlogDir = dir;
            return this;
        }

        public QuicListenerSettings build() {
            return new QuicListenerSettings(maxIdleTimeout, initialMaxData, initialMaxStreamData,
                    maxConcurrentStreams, extendedConnect, datagrams, maxFieldSectionSize, requestHeadTimeout,
                    maxUdpPayload, retryTokens, earlyData, hqInterop, qlogDir);
        }
    }
}
