package dev.ferry.http3.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * A throwaway certificate authority that issues loopback server certificates.
 *
 * <p>It exists so tests can run with certificate verification switched on: the relay verifies an origin
 * (nginx, nghttpd) against {@link #writeCaPem the CA file}, and clients verify the relay the same way, which a bare
 * self-signed leaf cannot always do (several stacks refuse a CA:false certificate as a trust anchor). The CA key
 * lives only in memory.
 */
public final class CertificateAuthority {

  private static final Duration CA_VALIDITY = Duration.ofDays(365);

  private final X509Certificate certificate;
  private final KeyPair keys;

  private CertificateAuthority(X509Certificate certificate, KeyPair keys) {
    this.certificate = certificate;
    this.keys = keys;
  }

  /** Makes a CA with an EC P-256 key whose subject is {@code CN=name}; it may sign leaves only (path length 0). */
  public static CertificateAuthority generate(String name) {
    KeyPair keys = KeyPairs.newEcP256();
    return new CertificateAuthority(CertificateFactories.ca(name, keys, CA_VALIDITY), keys);
  }

  /** Issues a leaf for loopback plus the given names, valid for {@link SelfSignedCertificate#DEFAULT_VALIDITY}. */
  public SelfSignedCertificate issue(List<String> dnsNames, List<String> ips) {
    return issue(dnsNames, ips, SelfSignedCertificate.DEFAULT_VALIDITY);
  }

  /** Issues a leaf for loopback plus the given names, valid for {@code validity} from now. */
  public SelfSignedCertificate issue(List<String> dnsNames, List<String> ips, Duration validity) {
    KeyPair leafKeys = KeyPairs.newEcP256();
    X509Certificate leaf = CertificateFactories.leaf(dnsNames, ips, leafKeys.getPublic(), certificate,
        keys.getPrivate(), validity);
    return new SelfSignedCertificate(leaf, leafKeys.getPrivate(), certificate);
  }

  /** Writes the CA certificate (no key) as PEM, for use as a trust file, and returns {@code file}. */
  public Path writeCaPem(Path file) {
    try {
      Pem.write(file, Pem.certificate(certificate), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  public X509Certificate certificate() {
    return certificate;
  }
}
