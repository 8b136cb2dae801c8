package dev.ferry.http3.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Makes EC P-256 key pairs with the BouncyCastle provider.
 *
 * <p>The provider is used as an instance and never registered in {@link java.security.Security}, so the rest of the
 * JVM keeps its usual providers. BouncyCastle rather than the JDK because GnuTLS rejects the JDK's PKCS#8 EC
 * encoding.
 */
final class KeyPairs {

  static final Provider BC = new BouncyCastleProvider();
  static final SecureRandom RANDOM = new SecureRandom();

  private KeyPairs() {}

  static KeyPair newEcP256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make an EC P-256 key with BouncyCastle", e);
    }
  }
}
