package dev.ferry.interop.raw;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One request exactly as it goes on the wire: the header section's field lines in order (nothing is checked,
 * lower-cased or reordered), the DATA frames that follow, and whether the stream ends with a FIN after them.
 *
 * @param fields field lines in wire order, pseudo-header fields included
 * @param data   the payload of each DATA frame, in order
 * @param fin    whether to end the stream after the last frame
 */
public record RawRequest(List<Field> fields, List<byte[]> data, boolean fin) {

  /** One field line; the name is sent as given (case and all). */
  public record Field(String name, String value) {
    public Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return name + ": " + value.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }
  }

  public RawRequest {
    fields = List.copyOf(fields);
    data = List.copyOf(data);
  }

  /** Starts with no fields; add them in the order they should be sent. */
  public static Builder builder() {
    return new Builder();
  }

  /** The four pseudo-header fields of an ordinary request, in the usual order. */
  public static Builder standard(String method, String authority, String path) {
    return builder().field(":method", method).field(":scheme", "https").field(":authority", authority)
        .field(":path", path);
  }

  /** Collects field lines and DATA frames in order. */
  public static final class Builder {
    private final List<Field> fields = new ArrayList<>();
    private final List<byte[]> data = new ArrayList<>();
    private boolean fin = true;

    private Builder() {}

    public Builder field(String name, String value) {
      fields.add(new Field(name, value));
      return this;
    }

    /** Removes every field line with this exact name. */
    public Builder without(String name) {
      fields.removeIf(f -> f.name().equals(name));
      return this;
    }

    /** Adds one DATA frame. */
    public Builder data(byte[] payload) {
      data.add(payload.clone());
      return this;
    }

    public Builder data(String payload) {
      return data(payload.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Whether the stream ends after the last frame; default true. */
    public Builder fin(boolean fin) {
      this.fin = fin;
      return this;
    }

    public RawRequest build() {
      return new RawRequest(fields, data, fin);
    }
  }
}
