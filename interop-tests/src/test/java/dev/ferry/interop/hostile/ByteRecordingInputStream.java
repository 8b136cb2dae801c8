package dev.ferry.interop.hostile;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Keeps a copy of every byte read through it, so an origin can show exactly what the relay sent on a connection,
 * parsed or not. The copy can be taken and reset from another thread.
 */
final class ByteRecordingInputStream extends FilterInputStream {
  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

  ByteRecordingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      synchronized (copy) {
        copy.write(b);
      }
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      synchronized (copy) {
        copy.write(buffer, offset, n);
      }
    }
    return n;
  }

  /** The bytes read since the copy was last {@linkplain #forget() forgotten}. */
  byte[] recorded() {
    synchronized (copy) {
      return copy.toByteArray();
    }
  }

  /** Forgets the bytes recorded so far. */
  void forget() {
    synchronized (copy) {
      copy.reset();
    }
  }
}
