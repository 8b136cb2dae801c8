package dev.ferry.app.config;

import java.nio.file.Path;

/**
 * The certificate a listener presents. Either both files are set, or neither is and a self-signed certificate is
 * generated into the state directory: a certificate without its key (or the reverse) is always a mistake.
 *
 * @param certificate {@code certificate}, default none: PEM certificate chain, leaf first
 * @param privateKey  {@code private-key}, default none: PEM private key (PKCS#8) for the leaf certificate
 * @param keylogFile  {@code keylog-file}, default none: where the TLS secrets of every QUIC connection are appended
 *                    in NSS key log format, for Wireshark; a debugging aid that defeats TLS for whoever reads it
 */
public record TlsFilesConfig(Path certificate, Path privateKey, Path keylogFile) {
    public TlsFilesConfig {
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException("set both certificate and privateKey, or neither");
        }
    }

    /** Without a key log. */
    public TlsFilesConfig(Path certificate, Path privateKey) {
        this(certificate, privateKey, null);
    }

    /** Neither file: generate a self-signed certificate. */
    public static TlsFilesConfig defaults() {
        return new TlsFilesConfig(null, null);
    }

    /** Whether the listener should generate (or reuse a previously generated) self-signed certificate. */
    public boolean generate() {
        return certificate == null;
    }
}
