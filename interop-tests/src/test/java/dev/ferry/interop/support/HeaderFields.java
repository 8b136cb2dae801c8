package dev.ferry.interop.support;

import java.util.List;
import java.util.Locale;

/**
 * The header fields of one response section as a client printed them, in order; names are compared without case.
 * Kept apart from any one client so that curl's {@code -D} dump and gtlsclient's stderr are judged alike.
 */
public record HeaderFields(List<Field> fields) {

  public static final HeaderFields NONE = new HeaderFields(List.of());

  /** One field; the name lower case, the value as printed. */
  public record Field(String name, String value) {
    public Field {
      name = name.toLowerCase(Locale.ROOT);
    }
  }

  public HeaderFields {
    fields = List.copyOf(fields);
  }

  public boolean has(String name) {
    return !values(name).isEmpty();
  }

  /** Every value of {@code name}, in order. */
  public List<String> values(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return fields.stream().filter(f -> f.name().equals(lower)).map(Field::value).toList();
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (Field f : fields) {
      out.append(f.name()).append(": ").append(f.value()).append('\n');
    }
    return out.toString();
  }
}
