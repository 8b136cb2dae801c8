package dev.ferry.http3;

/**
 * How large the QUIC packets Ferry sends may be, and how that nests when a QUIC connection runs inside a
 * CONNECT-UDP tunnel of another.
 *
 * <p>quiche starts every connection at 1200 bytes of UDP payload, the least QUIC allows (RFC 9000 14), and without
 * a larger limit it stays there. A tunnel's datagram then holds about 1150 bytes, too few for a full-size inner
 * packet, so every inner packet would travel as a capsule on the tunnel's stream: reliable, ordered and slowed by
 * the outer connection's losses. 1350 bytes (with IPv6 and UDP headers 1398 bytes on the wire) passes any path
 * with an MTU of 1400 or more, as Chromium's default does, and gives a tunnel datagram room for a 1200-byte packet
 * and one more level of nesting.
 */
public final class QuicPacketSizes {
    /** The least UDP payload QUIC works with (RFC 9000 14), and the start of every connection. */
    public static final int QUIC_MINIMUM = 1200;
    /** The largest UDP payload Ferry sends unless configured otherwise. */
    public static final int DEFAULT_MAX_UDP_PAYLOAD = 1350;
    /**
     * The largest UDP payload a privacy relay's egress sends unless configured otherwise. Its clients reach it
     * inside an ingress's CONNECT-UDP tunnel, whose datagrams hold about 1300 bytes at the default above, and a
     * payload too large for one is dropped there, not carried as a capsule (RFC 9298 5). quiche has no path MTU
     * discovery to find that out, so the egress keeps below it from the start, with room for longer stream IDs.
     */
    public static final int EGRESS_MAX_UDP_PAYLOAD = 1280;

    private QuicPacketSizes() {
    }

    /**
     * The largest UDP payload for a QUIC connection carried by a tunnel whose datagrams hold
     * {@code tunnelDatagramPayload} bytes (0 when the tunnel uses capsules): as large as still fits one datagram,
     * so that none of the inner connection's packets needs a capsule, but never below QUIC's minimum or above
     * {@code outerLimit}.
     */
    public static int insideTunnel(int tunnelDatagramPayload, int outerLimit) {
        if (tunnelDatagramPayload <= 0) {
            return Math.min(outerLimit, DEFAULT_MAX_UDP_PAYLOAD);
        }
        return Math.max(QUIC_MINIMUM, Math.min(outerLimit, tunnelDatagramPayload));
    }
}
