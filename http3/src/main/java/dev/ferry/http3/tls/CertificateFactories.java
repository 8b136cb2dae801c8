package dev.ferry.http3.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Builds X.509 v3 certificates: CA certificates and server leaves whose names always cover loopback.
 *
 * <p>Leaves carry {@code DNS:localhost}, {@code IP:127.0.0.1} and {@code IP:::1} plus any extra names, so a test
 * can reach a server by any loopback spelling with verification on. {@code notBefore} is an hour in the past to
 * absorb clock skew between processes.
 */
final class CertificateFactories {

  static final List<String> LOOPBACK_DNS = List.of("localhost");
  static final List<String> LOOPBACK_IPS = List.of("127.0.0.1", "::1");
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Duration BACKDATE = Duration.ofHours(1);

  private CertificateFactories() {}

  static X509Certificate ca(String name, KeyPair keys, Duration validity) {
    X500Name subject = commonName(name);
    return build(subject, subject, keys.getPublic(), keys.getPublic(), keys.getPrivate(), validity,
        new GeneralNames(new GeneralName[0]), true);
  }

  static X509Certificate leaf(List<String> dnsNames, List<String> ipAddresses, PublicKey subjectKey,
      X509Certificate issuer, PrivateKey issuerKey, Duration validity) {
    Set<String> dns = new LinkedHashSet<>(LOOPBACK_DNS);
    dns.addAll(dnsNames);
    Set<String> ips = new LinkedHashSet<>(LOOPBACK_IPS);
    ips.addAll(ipAddresses);
    GeneralName[] names = new GeneralName[dns.size() + ips.size()];
    int i = 0;
    for (String d : dns) {
      names[i++] = new GeneralName(GeneralName.dNSName, d);
    }
    for (String ip : ips) {
      if (!IPAddress.isValid(ip)) {
        throw new IllegalArgumentException("not an IP address literal: " + ip);
      }
      names[i++] = new GeneralName(GeneralName.iPAddress, ip);
    }
    X500Name subject = commonName(dns.iterator().next());
    X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    PublicKey issuerPublic = issuer == null ? subjectKey : issuer.getPublicKey();
    return build(subject, issuerName, subjectKey, issuerPublic, issuerKey, validity, new GeneralNames(names), false);
  }

  private static X509Certificate build(X500Name subject, X500Name issuer, PublicKey subjectKey, PublicKey issuerKey,
      PrivateKey signingKey, Duration validity, GeneralNames sans, boolean ca) {
    Instant now = Instant.now();
    BigInteger serial = new BigInteger(63, KeyPairs.RANDOM).add(BigInteger.ONE);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial,
          Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, subjectKey)
          .addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(0) : new BasicConstraints(false))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerKey));
      if (ca) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
            .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
            .addExtension(Extension.subjectAlternativeName, false, sans);
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(SIGNATURE).setProvider(KeyPairs.BC).build(signingKey)));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot build certificate for " + subject, e);
    }
  }

  private static X500Name commonName(String name) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
  }
}
