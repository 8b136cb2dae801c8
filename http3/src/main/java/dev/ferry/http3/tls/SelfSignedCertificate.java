package dev.ferry.http3.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A server certificate and its private key, for development and tests.
 *
 * <p>Despite the name it is either self-signed ({@link #generate}) or issued by a {@link CertificateAuthority}
 * ({@link CertificateAuthority#issue}); the latter is what a client with verification switched on needs. The
 * subject alternative names always include {@code localhost}, {@code 127.0.0.1} and {@code ::1}.
 *
 * <p>Most servers we start (nginx, nghttpd, ngtcp2) take file paths, so {@link #certificatePath()} and
 * {@link #privateKeyPath()} always answer: with the files given to {@link #writeTo} or
 * {@link #loadOrGenerate}, or else with files written on first use to a fresh temporary directory.
 */
public final class SelfSignedCertificate {

  /** Long enough for any test run or development session, short enough that a leaked key ages out. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(90);
  /** A stored certificate closer than this to expiry is replaced by {@link #loadOrGenerate}. */
  private static final Duration RENEW_BEFORE = Duration.ofDays(1);

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final X509Certificate issuer;
  private Path certificatePath;
  private Path privateKeyPath;

  SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {
    this.certificate = Objects.requireNonNull(certificate);
    this.privateKey = Objects.requireNonNull(privateKey);
    this.issuer = Objects.requireNonNull(issuer);
  }

  /**
   * Makes a self-signed EC P-256 certificate for loopback plus the given names.
   *
   * @param dnsNames extra DNS names, may be empty
   * @param ipAddresses extra IPv4 or IPv6 literals, may be empty
   * @param validity how long from now the certificate stays valid
   */
  public static SelfSignedCertificate generate(List<String> dnsNames, List<String> ipAddresses, Duration validity) {
    KeyPair keys = KeyPairs.newEcP256();
    X509Certificate cert = CertificateFactories.leaf(dnsNames, ipAddresses, keys.getPublic(), null,
        keys.getPrivate(), validity);
    return new SelfSignedCertificate(cert, keys.getPrivate(), cert);
  }

  /**
   * Reuses {@code <baseName>.crt.pem} and {@code <baseName>.key.pem} in {@code dir} when both load and the
   * certificate is still valid for a day; otherwise generates a loopback certificate and writes both files.
   */
  public static SelfSignedCertificate loadOrGenerate(Path dir, String baseName) {
    Path certFile = dir.resolve(baseName + ".crt.pem");
    Path keyFile = dir.resolve(baseName + ".key.pem");
    if (Files.isRegularFile(certFile) && Files.isRegularFile(keyFile)) {
      try {
        X509Certificate cert = Pem.readCertificate(certFile);
        if (cert.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE))) {
          SelfSignedCertificate loaded = new SelfSignedCertificate(cert, Pem.readPrivateKey(keyFile), cert);
          loaded.remember(certFile, keyFile);
          return loaded;
        }
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        // Unreadable or foreign files: replace them below.
      }
    }
    SelfSignedCertificate fresh = generate(List.of(), List.of(), DEFAULT_VALIDITY);
    fresh.writeTo(certFile, keyFile);
    return fresh;
  }

  /** Writes the certificate as PEM and the key as unencrypted PKCS#8 PEM (mode 0600) and remembers the paths. */
  public void writeTo(Path certFile, Path keyFile) {
    try {
      Pem.write(certFile, Pem.certificate(certificate), false);
      Pem.write(keyFile, Pem.privateKey(privateKey), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + certFile + " and " + keyFile, e);
    }
    remember(certFile, keyFile);
  }

  /** The certificate file, written to a temporary directory on first call if {@link #writeTo} was never called. */
  public synchronized Path certificatePath() {
    ensureWritten();
    return certificatePath;
  }

  /** The private key file, written to a temporary directory on first call if {@link #writeTo} was never called. */
  public synchronized Path privateKeyPath() {
    ensureWritten();
    return privateKeyPath;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The certificate that signed this one: itself when self-signed, else the CA's. */
  public X509Certificate issuer() {
    return issuer;
  }

  private synchronized void remember(Path certFile, Path keyFile) {
    this.certificatePath = certFile;
    this.privateKeyPath = keyFile;
  }

  private void ensureWritten() {
    if (certificatePath != null) {
      return;
    }
    try {
      Path dir = Files.createTempDirectory("ferry-cert-");
      Path cert = dir.resolve("cert.crt.pem");
      Path key = dir.resolve("cert.key.pem");
      writeTo(cert, key);
      cert.toFile().deleteOnExit();
      key.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a temporary directory for a certificate", e);
    }
  }
}
