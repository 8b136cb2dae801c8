package dev.ferry.interop.tunnel;

import java.util.Arrays;
import java.util.Locale;

/**
 * The MASQUE cases no public interop runner grades, each checked by {@link MasqueCells} for every client against
 * Ferry's relay. The names are the matrix's.
 */
enum MasqueCase {
    /**
     * Extended CONNECT with {@code :protocol connect-udp} on the default template is answered 200 and one payload
     * makes the round trip; an independent client also checks the relay's SETTINGS (H3_DATAGRAM,
     * ENABLE_CONNECT_PROTOCOL), the QUIC datagram transport parameter and {@code capsule-protocol: ?1}.
     */
    CONNECT_UDP("connect-udp"),
    /** Payloads of 4 to 1,100 bytes ride QUIC DATAGRAM frames both ways; none comes back as a capsule. */
    DATAGRAMS("datagrams"),
    /** The same payloads as DATAGRAM capsules on the request stream, and the relay answers in kind. */
    CAPSULES("capsules"),
    /** ngtcp2's gtlsclient fetches a file from gtlsserver through the tunnel: QUIC inside QUIC, hash-equal. */
    QUIC_IN_QUIC("quic-in-quic"),
    /** Classic CONNECT (RFC 9114 4.4) to a TCP echo server: the bytes sent come back hash-equal. */
    CONNECT_TCP("connect-tcp"),
    /** A tunnel to a forbidden target (loopback, by the default egress policy) is refused 403 and reaches nothing. */
    EGRESS_REFUSAL("egress-refusal"),
    /** Without a token the relay answers 407 and opens nothing; with the right bearer token the tunnel works. */
    PROXY_AUTH("proxy-auth");

    private final String label;

    MasqueCase(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    static MasqueCase named(String name) {
        return Arrays.stream(values()).filter(c -> c.label.equals(name.trim().toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no MASQUE case " + name + "; cases: "
                        + Arrays.toString(Arrays.stream(values()).map(MasqueCase::label).toArray())));
    }
}
