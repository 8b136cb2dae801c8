package dev.ferry.app.config;

import java.nio.file.Path;

/**
 * TLS towards an origin. Used when the protocol is h2, or h1 with {@code enabled}; h2c never uses TLS.
 *
 * @param enabled    {@code enabled}, default false for h1 (true for h2, which always uses TLS)
 * @param verify     {@code verify}, default true: check the origin's certificate chain and name. Turning it off
 *                   is for tests against self-signed origins; the relay then cannot tell an origin from an attacker
 * @param caFile     {@code ca-file}, default none (the JDK's trusted CAs): PEM file of CAs to trust instead
 * @param serverName {@code server-name}, default none: SNI and the name the certificate must carry; when none, each
 *                   endpoint's host name is used (no SNI is sent to an IP literal)
 */
public record OriginTlsConfig(boolean enabled, boolean verify, Path caFile, String serverName) {
    /** TLS off, verification on, JDK trust store, endpoint host as server name. */
    public static OriginTlsConfig defaults() {
        return new OriginTlsConfig(false, true, null, null);
    }
}
