package dev.ferry.app.config;

import dev.ferry.http3.QuicPacketSizes;
import java.time.Duration;

/**
 * QUIC transport parameters a listener offers its clients (RFC 9000 section 18.2), and the HTTP/3 field section
 * limit it advertises (RFC 9114 section 7.2.4.1).
 *
 * @param maxIdleTimeout       {@code max-idle-timeout}, default 30s: a connection with no packets either way for this
 *                             long is closed silently
 * @param initialMaxData       {@code initial-max-data}, default 16MiB: bytes a client may send on all streams of a
 *                             connection before the relay grants more
 * @param initialMaxStreamData {@code initial-max-stream-data}, default 1MiB: the same limit per stream
 * @param maxConcurrentStreams {@code max-concurrent-streams}, default 256: bidirectional streams (requests) a client
 *                             may have open at once on one connection
 * @param maxFieldSectionSize  {@code max-field-section-size}, default 64KiB: the largest request header (or trailer)
 *                             section, counted as RFC 9114 4.2.2 does, advertised in SETTINGS_MAX_FIELD_SECTION_SIZE;
 *                             a larger request head is answered 431 on its own stream, larger trailers reset it
 * @param maxUdpPayload        {@code max-udp-payload}, default 1350 (1280 on a privacy egress): the largest UDP
 *                             payload the relay sends, 1200 to 65527; large enough that a tunnel's QUIC DATAGRAM
 *                             frame holds a full 1200-byte inner QUIC packet ({@link QuicPacketSizes} has the
 *                             reasoning)
 * @param addressValidation    {@code address-validation}, default off: Retry for clients ({@link AddressValidationConfig})
 * @param earlyData            {@code early-data}, default false: accept 0-RTT early data from clients that resume a
 *                             session; safe requests go on at once marked Early-Data: 1, others wait for the
 *                             handshake (docs/configuration.md has the replay risk)
 * @param applicationProtocol  {@code application-protocol}, default {@code h3}: or {@code hq-interop}, HTTP/0.9 over
 *                             QUIC as the QUIC interop runner speaks it, instead of HTTP/3
 * @param qlogDir              {@code qlog-dir}, default none: a directory for one qlog file per connection, for qvis
 *                             and other QUIC debugging tools
 */
public record QuicConfig(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamData,
                         long maxConcurrentStreams, long maxFieldSectionSize, int maxUdpPayload,
                         AddressValidationConfig addressValidation, boolean earlyData, String applicationProtocol,
                         java.nio.file.Path qlogDir) {
    /** ALPN of HTTP/3 (RFC 9114). */
    public static final String H3 = "h3";
    /** ALPN of HTTP/0.9 over QUIC in the QUIC interop runner. */
    public static final String HQ_INTEROP = "hq-interop";
    /** The values {@code application-protocol} takes. */
    public static final java.util.List<String> APPLICATION_PROTOCOLS = java.util.List.of(H3, HQ_INTEROP);
    /** The largest UDP payload there is: 65535 less the 8 bytes of the UDP header. */
    public static final int MAX_UDP_PAYLOAD = 65527;
    /** The default field section limit, 64 KiB. */
    public static final long DEFAULT_MAX_FIELD_SECTION_SIZE = 64L << 10;
    /** The field section limit's floor: below this, ordinary browser requests would fail. */
    public static final long MIN_FIELD_SECTION_SIZE = 4L << 10;
    /** The field section limit's ceiling: a whole request head is held in memory while it is checked. */
    public static final long MAX_FIELD_SECTION_SIZE = 1L << 20;
    /** The largest value a QUIC variable-length integer holds, 2^62 - 1. */
    public static final long MAX_VARINT = (1L << 62) - 1;
    /** The largest stream count RFC 9000 allows, 2^60. */
    public static final long MAX_STREAMS = 1L << 60;

    public QuicConfig {
        Checks.positive(maxIdleTimeout, "maxIdleTimeout");
        Checks.range(initialMaxData, 1, MAX_VARINT, "initialMaxData");
        Checks.range(initialMaxStreamData, 1, MAX_VARINT, "initialMaxStreamData");
        Checks.range(maxConcurrentStreams, 1, MAX_STREAMS, "maxConcurrentStreams");
        Checks.range(maxFieldSectionSize, MIN_FIELD_SECTION_SIZE, MAX_FIELD_SECTION_SIZE, "maxFieldSectionSize");
        Checks.range(maxUdpPayload, QuicPacketSizes.QUIC_MINIMUM, MAX_UDP_PAYLOAD, "maxUdpPayload");
        java.util.Objects.requireNonNull(addressValidation, "addressValidation");
        if (!APPLICATION_PROTOCOLS.contains(applicationProtocol)) {
            throw new IllegalArgumentException("applicationProtocol: " + applicationProtocol);
        }
    }

    /** Without qlog. */
    public QuicConfig(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamData,
                      long maxConcurrentStreams, long maxFieldSectionSize, int maxUdpPayload,
                      AddressValidationConfig addressValidation, boolean earlyData, String applicationProtocol) {
        this(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams, maxFieldSectionSize,
                maxUdpPayload, addressValidation, earlyData, applicationProtocol, null);
    }

    /** Serving HTTP/3. */
    public QuicConfig(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamData,
                      long maxConcurrentStreams, long maxFieldSectionSize, int maxUdpPayload,
                      AddressValidationConfig addressValidation, boolean earlyData) {
        this(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams, maxFieldSectionSize,
                maxUdpPayload, addressValidation, earlyData, H3);
    }

    /** Without early data. */
    public QuicConfig(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamData,
                      long maxConcurrentStreams, long maxFieldSectionSize, int maxUdpPayload,
                      AddressValidationConfig addressValidation) {
        this(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams, maxFieldSectionSize,
                maxUdpPayload, addressValidation, false);
    }

    /** Without address validation or early data. */
    public QuicConfig(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamData,
                      long maxConcurrentStreams, long maxFieldSectionSize, int maxUdpPayload) {
        this(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams, maxFieldSectionSize,
                maxUdpPayload, AddressValidationConfig.defaults());
    }

    /** These settings with 0-RTT early data accepted or not. */
    public QuicConfig withEarlyData(boolean accept) {
        return new QuicConfig(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                maxFieldSectionSize, maxUdpPayload, addressValidation, accept, applicationProtocol, qlogDir);
    }

    /** These settings with address validation as given. */
    public QuicConfig withAddressValidation(AddressValidationConfig validation) {
        return new QuicConfig(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                maxFieldSectionSize, maxUdpPayload, validation, earlyData, applicationProtocol, qlogDir);
    }

    /** These settings serving {@code alpn}, one of {@link #APPLICATION_PROTOCOLS}. */
    public QuicConfig withApplicationProtocol(String alpn) {
        return new QuicConfig(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                maxFieldSectionSize, maxUdpPayload, addressValidation, earlyData, alpn, qlogDir);
    }

    /** These settings writing qlog files into {@code dir}, or none for null. */
    public QuicConfig withQlogDir(java.nio.file.Path dir) {
        return new QuicConfig(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                maxFieldSectionSize, maxUdpPayload, addressValidation, earlyData, applicationProtocol, dir);
    }

    public QuicConfig(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamData,
                      long maxConcurrentStreams) {
        this(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                DEFAULT_MAX_FIELD_SECTION_SIZE, QuicPacketSizes.DEFAULT_MAX_UDP_PAYLOAD);
    }

    /** The same with another {@code max-udp-payload}. */
    public QuicConfig withMaxUdpPayload(int bytes) {
        return new QuicConfig(maxIdleTimeout, initialMaxData, initialMaxStreamData, maxConcurrentStreams,
                maxFieldSectionSize, bytes, addressValidation, earlyData, applicationProtocol, qlogDir);
    }

    public static QuicConfig defaults() {
        return new QuicConfig(Duration.ofSeconds(30), 16L << 20, 1L << 20, 256);
    }
}
