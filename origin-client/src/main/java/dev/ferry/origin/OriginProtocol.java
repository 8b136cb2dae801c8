package dev.ferry.origin;

/** How Ferry speaks to an origin. */
public enum OriginProtocol {
    /** HTTP/1.1, over TLS when the origin's TLS settings ask for it. */
    H1,
    /** HTTP/2 over TLS, negotiated with ALPN. */
    H2,
    /** HTTP/2 over cleartext TCP with prior knowledge (RFC 9113 3.3). */
    H2C
}
