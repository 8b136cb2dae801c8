package dev.ferry.origin;

/** How Ferry speaks to an origin. */
public enum OriginProtocol {
    /** HTTP/1.1, over TLS when the origin's TLS settings ask for it. */
    H1,
    /** HTTP/2 over TLS, negotiated with ALPN. */
    H2,
    /** HTTP/2 over cleartext TCP with prior knowledge (RFC 9113 3.3). */
    H2C,
    /** HTTP/3 over QUIC (RFC 9114), certificate verified unless configured otherwise, no 0-RTT. */
    H3
}
