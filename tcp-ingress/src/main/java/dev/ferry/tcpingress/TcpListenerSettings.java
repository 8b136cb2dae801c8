package dev.ferry.tcpingress;

import java.time.Duration;
import java.util.Objects;

/**
 * How a TCP listener treats its clients.
 *
 * @param maxConcurrentStreams HTTP/2 streams a client may open at once (SETTINGS_MAX_CONCURRENT_STREAMS)
 * @param initialWindowSize    HTTP/2 per-stream flow control window (SETTINGS_INITIAL_WINDOW_SIZE); the connection
 *                             window is raised to match {@code maxConcurrentStreams} of them, up to 2^31 - 1
 * @param maxFieldSectionSize  the largest request header or trailer section, as RFC 9113 6.5.2 counts it (name +
 *                             value + 32 per field); larger gets 431 (SETTINGS_MAX_HEADER_LIST_SIZE is announced)
 * @param requestHeadTimeout   how long a connection may take to send a complete HTTP/1.1 request head, or an
 *                             HTTP/2 stream its header section; past it 408
 * @param idleTimeout          a connection with no open exchange for this long is closed (HTTP/2 with GOAWAY)
 * @param altSvc               the {@code Alt-Svc} field value added to every response (RFC 7838), or null for none
 * @param extendedConnect      announce SETTINGS_ENABLE_CONNECT_PROTOCOL on HTTP/2 (RFC 8441), for CONNECT-UDP
 *                             with capsules (RFC 9298 5); off unless tunnels are
 */
public record TcpListenerSettings(long maxConcurrentStreams, int initialWindowSize, long maxFieldSectionSize,
                                  Duration requestHeadTimeout, Duration idleTimeout, String altSvc,
                                  boolean extendedConnect) {
    public TcpListenerSettings {
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams: " + maxConcurrentStreams);
        }
        if (initialWindowSize < 65_535) {
            throw new IllegalArgumentException("initialWindowSize: " + initialWindowSize + " (at least 65535)");
        }
        if (maxFieldSectionSize < 1) {
            throw new IllegalArgumentException("maxFieldSectionSize: " + maxFieldSectionSize);
        }
        Objects.requireNonNull(requestHeadTimeout, "requestHeadTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** 256 streams of 1 MiB, 64 KiB field sections, 10 s for a head, 5 minutes idle, no Alt-Svc. */
    public static TcpListenerSettings defaults() {
        return new TcpListenerSettings(256, 1 << 20, 64 * 1024, Duration.ofSeconds(10), Duration.ofMinutes(5), null,
                false);
    }

    public TcpListenerSettings withMaxFieldSectionSize(long bytes) {
        return new TcpListenerSettings(maxConcurrentStreams, initialWindowSize, bytes, requestHeadTimeout,
                idleTimeout, altSvc, extendedConnect);
    }

    public TcpListenerSettings withRequestHeadTimeout(Duration timeout) {
        return new TcpListenerSettings(maxConcurrentStreams, initialWindowSize, maxFieldSectionSize, timeout,
                idleTimeout, altSvc, extendedConnect);
    }

    public TcpListenerSettings withAltSvc(String value) {
        return new TcpListenerSettings(maxConcurrentStreams, initialWindowSize, maxFieldSectionSize,
                requestHeadTimeout, idleTimeout, value, extendedConnect);
    }

    public TcpListenerSettings withExtendedConnect(boolean enabled) {
        return new TcpListenerSettings(maxConcurrentStreams, initialWindowSize, maxFieldSectionSize,
                requestHeadTimeout, idleTimeout, altSvc, enabled);
    }

    /** The Alt-Svc value that points clients at HTTP/3 on {@code port} of the same host for {@code maxAge}. */
    public static String http3AltSvc(int port, Duration maxAge) {
        return "h3=\":" + port + "\"; ma=" + maxAge.toSeconds();
    }
}
