package dev.ferry.http3.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {

  @TempDir Path dir;

  @Test
  void generatedCertificateParsesWithJdkAndNamesLoopbackPlusExtras() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of("relay.test"), List.of("10.0.0.7"),
        Duration.ofDays(2));
    X509Certificate parsed;
    try (InputStream in = Files.newInputStream(cert.certificatePath())) {
      parsed = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    assertEquals(cert.certificate(), parsed);
    assertEquals(3, parsed.getVersion());
    assertEquals(-1, parsed.getBasicConstraints(), "a leaf must not be a CA");
    parsed.checkValidity();
    assertEquals(Set.of("2:localhost", "2:relay.test", "7:127.0.0.1", "7:0:0:0:0:0:0:0:1", "7:10.0.0.7"),
        sans(parsed));
    parsed.verify(parsed.getPublicKey());
  }

  @Test
  void privateKeyMatchesCertificate() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of(), List.of(), Duration.ofHours(1));
    byte[] data = "ferry".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(cert.privateKey());
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(cert.certificate());
    verifier.update(data);
    assertTrue(verifier.verify(signature));
  }

  @Test
  void writesUnencryptedPkcs8KeyReadableOnlyByOwner() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of(), List.of(), Duration.ofHours(1));
    Path certFile = dir.resolve("a.crt.pem");
    Path keyFile = dir.resolve("a.key.pem");
    cert.writeTo(certFile, keyFile);
    String key = Files.readString(keyFile);
    assertTrue(key.startsWith("-----BEGIN PRIVATE KEY-----\n"), key);
    assertTrue(Files.readString(certFile).startsWith("-----BEGIN CERTIFICATE-----\n"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    assertEquals(certFile, cert.certificatePath());
    assertEquals(keyFile, cert.privateKeyPath());
    assertArrayEquals(cert.privateKey().getEncoded(), Pem.readPrivateKey(keyFile).getEncoded());
  }

  @Test
  void writtenFilesLoadIntoNettyServerContext() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of(), List.of(), Duration.ofHours(1));
    SslContext context = SslContextBuilder.forServer(cert.certificatePath().toFile(),
        cert.privateKeyPath().toFile()).build();
    assertTrue(context.isServer());
  }

  @Test
  void gnutlsAcceptsWrittenKey() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/certtool")), "certtool (gnutls-bin) not installed");
    SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of(), List.of(), Duration.ofHours(1));
    Process certtool = new ProcessBuilder("/usr/bin/certtool", "--key-info", "--infile",
        cert.privateKeyPath().toString()).redirectErrorStream(true).start();
    String output = new String(certtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(certtool.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, certtool.exitValue(), output);
    assertTrue(output.contains("SECP256R1"), output);
  }

  @Test
  void loadOrGenerateReusesValidFilesAndReplacesExpiredOnes() throws Exception {
    SelfSignedCertificate first = SelfSignedCertificate.loadOrGenerate(dir, "origin");
    assertEquals(dir.resolve("origin.crt.pem"), first.certificatePath());
    assertEquals(dir.resolve("origin.key.pem"), first.privateKeyPath());
    SelfSignedCertificate again = SelfSignedCertificate.loadOrGenerate(dir, "origin");
    assertEquals(first.certificate(), again.certificate());

    SelfSignedCertificate expired = SelfSignedCertificate.generate(List.of(), List.of(), Duration.ofMinutes(-1));
    expired.writeTo(dir.resolve("old.crt.pem"), dir.resolve("old.key.pem"));
    SelfSignedCertificate renewed = SelfSignedCertificate.loadOrGenerate(dir, "old");
    assertNotEquals(expired.certificate(), renewed.certificate());
    renewed.certificate().checkValidity();
    assertEquals(renewed.certificate(), Pem.readCertificate(dir.resolve("old.crt.pem")));
  }

  @Test
  void rejectsHostNameGivenAsIpAddress() {
    assertThrows(IllegalArgumentException.class,
        () -> SelfSignedCertificate.generate(List.of(), List.of("example.com"), Duration.ofHours(1)));
  }

  static Set<String> sans(X509Certificate cert) throws Exception {
    Set<String> out = new HashSet<>();
    for (List<?> san : cert.getSubjectAlternativeNames()) {
      out.add(san.get(0) + ":" + san.get(1));
    }
    return out;
  }
}
