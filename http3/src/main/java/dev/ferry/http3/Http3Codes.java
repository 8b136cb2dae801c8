package dev.ferry.http3;

/**
 * The HTTP/3 code points of RFC 9297 (HTTP Datagrams) that Netty 4.2.18 has no constant for, defined once for the
 * relay, the client and the tests.
 */
public final class Http3Codes {
    /** SETTINGS_H3_DATAGRAM (RFC 9297 section 5.1): 1 means the sender accepts HTTP Datagrams. */
    public static final long SETTINGS_H3_DATAGRAM = 0x33;

    /**
     * H3_DATAGRAM_ERROR (RFC 9297 section 5.2), "Datagram or Capsule Protocol parse error": the code a stream is
     * reset with when its capsules or datagrams cannot be parsed.
     */
    public static final int H3_DATAGRAM_ERROR = 0x33;

    private Http3Codes() {
    }
}
