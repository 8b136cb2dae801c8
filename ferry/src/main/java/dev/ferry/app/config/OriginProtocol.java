package dev.ferry.app.config;

import java.util.Locale;

/** How Ferry speaks to an origin. Written in the file in lower case: {@code h1}, {@code h2}, {@code h2c},
 * {@code h3}, {@code files}. */
public enum OriginProtocol {
    /** HTTP/1.1, over TLS only when {@code tls.enabled: true}. */
    H1,
    /** HTTP/2 over TLS, negotiated with ALPN "h2". Always TLS: no origin offers cleartext HTTP/2 by ALPN. */
    H2,
    /** HTTP/2 over cleartext TCP with prior knowledge (RFC 9113 section 3.3). Never TLS. */
    H2C,
    /** HTTP/3 over QUIC (RFC 9114). Always TLS (QUIC has no cleartext); 0-RTT is never used towards origins. */
    H3,
    /** No network: the relay serves the files under a directory itself ({@code root}), GET and HEAD only. */
    FILES;

    /** The name used in the configuration file. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
