package dev.ferry.http3.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

  @TempDir Path dir;

  @Test
  void issuedLeafIsTrustedByPkixWhenOnlyTheCaFileIsTrusted() throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate("Ferry Test CA");
    SelfSignedCertificate leaf = ca.issue(List.of("origin.test"), List.of());
    X509TrustManager trust = trustManager(ca.writeCaPem(dir.resolve("ca.pem")));

    trust.checkServerTrusted(new X509Certificate[] {leaf.certificate()}, "ECDHE_ECDSA");

    assertEquals(ca.certificate(), leaf.issuer());
    assertTrue(SelfSignedCertificateTest.sans(leaf.certificate()).contains("2:origin.test"));
  }

  @Test
  void leafOfAnotherCaIsRejected() throws Exception {
    X509TrustManager trust = trustManager(CertificateAuthority.generate("a").writeCaPem(dir.resolve("a.pem")));
    SelfSignedCertificate foreign = CertificateAuthority.generate("b").issue(List.of(), List.of());
    assertThrows(CertificateException.class,
        () -> trust.checkServerTrusted(new X509Certificate[] {foreign.certificate()}, "ECDHE_ECDSA"));
  }

  @Test
  void caFileHoldsOnlyCaCertificateThatMayNotSignCas() throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate("Ferry Test CA");
    String pem = Files.readString(ca.writeCaPem(dir.resolve("ca.pem")));
    assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----"));
    assertEquals(-1, pem.indexOf("PRIVATE KEY"));
    assertEquals(0, ca.certificate().getBasicConstraints());
    assertNotEquals(ca.certificate(), ca.issue(List.of(), List.of()).certificate());
  }

  private static X509TrustManager trustManager(Path caFile) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    return (X509TrustManager) factory.getTrustManagers()[0];
  }
}
