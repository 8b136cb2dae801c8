/**
 * Certificates and keys for development and tests: self-signed leaves and a small certificate authority.
 *
 * <p>Keys are EC P-256 made by the BouncyCastle provider and written as unencrypted PKCS#8 PEM, because the
 * peers we test against disagree about what they accept: GnuTLS (ngtcp2's server) rejects a PKCS#8 EC key written
 * from a key made by the JDK's own provider, while BouncyCastle's encoding is read by GnuTLS, OpenSSL, BoringSSL,
 * nginx and Netty alike. Nothing here is meant for production certificates.
 */
package dev.ferry.http3.tls;
