package dev.ferry.interop.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lowercase hex, so tests compare bodies of any size without holding them in memory. */
public final class Hashes {

  private Hashes() {}

  public static String sha256(byte[] data) {
    MessageDigest digest = newDigest();
    digest.update(data);
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Streams the file through the digest in 1 MiB chunks. */
  public static String sha256(Path file) {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash " + file, e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
