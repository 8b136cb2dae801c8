package dev.ferry.tools.interop;

import dev.ferry.http3.QuicPacketSizes;

import java.time.Duration;
import java.util.Objects;

/**
 * The transport settings of a {@link FileClient}.
 *
 * <p>The receive windows start small on purpose. The runner's {@code transfer} case checks that a client begins with
 * windows smaller than the files and lets them grow (it looks for flow control updates in the capture), so a
 * client that offers 32 MiB up front would pass a 10 MiB file without ever updating a window. quiche, under Netty's
 * QUIC codec, grows each window by itself while the application keeps reading faster than a round trip drains it
 * (its flow control auto-tuning, up to 24 MiB per connection and 16 MiB per stream), so small initial windows cost
 * only the first few round trips.
 *
 * @param idleTimeout      QUIC max_idle_timeout; also how long a stalled transfer may hang before it fails
 *                         (default 30 s)
 * @param connectTimeout   how long a handshake may take (default 90 s): under the runner's 30% loss each way a
 *                         handshake can need five or six probe timeouts, which double from about a second, and
 *                         the runner gives a whole handshakeloss run 300 s; at 30 s one handshake in ten failed
 *                         against quic-go's and kwik's servers. The idle timeout still ends a handshake in which
 *                         nothing at all arrives for that long
 * @param initialMaxData   initial_max_data, the connection's receive window at the start (default 1 MiB)
 * @param initialMaxStreamData initial_max_stream_data_bidi_local, each request stream's receive window at the start
 *                         (default 256 KiB)
 * @param maxUdpPayload    the largest UDP payload sent and accepted (default {@link
 *                         QuicPacketSizes#DEFAULT_MAX_UDP_PAYLOAD})
 * @param qlogDir          an existing directory for one qlog file per connection, or null for none (the default)
 */
public record FileClientSettings(Duration idleTimeout, Duration connectTimeout, long initialMaxData,
                                 long initialMaxStreamData, int maxUdpPayload, String qlogDir) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(90);
    public static final long DEFAULT_INITIAL_MAX_DATA = 1L << 20;
    public static final long DEFAULT_INITIAL_MAX_STREAM_DATA = 256L << 10;

    public FileClientSettings {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (initialMaxData <= 0 || initialMaxStreamData <= 0) {
            throw new IllegalArgumentException("receive windows must be > 0");
        }
        if (maxUdpPayload < QuicPacketSizes.QUIC_MINIMUM) {
            throw new IllegalArgumentException("maxUdpPayload must be >= " + QuicPacketSizes.QUIC_MINIMUM);
        }
    }

    public static FileClientSettings defaults() {
        return new FileClientSettings(DEFAULT_IDLE_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_INITIAL_MAX_DATA,
                DEFAULT_INITIAL_MAX_STREAM_DATA, QuicPacketSizes.DEFAULT_MAX_UDP_PAYLOAD, null);
    }

    /** These settings writing qlog files into {@code dir}, or none for null. */
    public FileClientSettings withQlogDir(String dir) {
        return new FileClientSettings(idleTimeout, connectTimeout, initialMaxData, initialMaxStreamData,
                maxUdpPayload, dir);
    }
}
