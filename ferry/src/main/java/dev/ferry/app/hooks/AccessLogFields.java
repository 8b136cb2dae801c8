package dev.ferry.app.hooks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which fields an access log line holds. The selection is fixed when the relay starts and held as a bit mask, so
 * {@link AccessLogHook} asks "is this field on?" per field with one AND and allocates nothing for it; a field that
 * is off is not even computed (no timestamp string when {@code time} is off). The line keeps the fixed order of
 * {@link Field}; a selection changes only which keys are present.
 *
 * <p>Why a selection at all: a privacy relay's egress sees the target of every tunnel, and must not write the
 * address of whoever connected to it beside that target (see {@link #linksClientToTarget()}).
 */
public final class AccessLogFields {
    /** The fields of a line, in line order; {@link #key()} is both the JSON key and the name in configuration. */
    public enum Field {
        TIME, ID, CLIENT, PROTOCOL, METHOD, AUTHORITY, PATH, STATUS, BYTES_IN, BYTES_OUT, HEAD_MS, TOTAL_MS, ORIGIN,
        ERROR, DETAIL,
        /** Tunnels only, like the three after it: written only for an exchange that was a tunnel. */
        DATAGRAMS_IN, DATAGRAMS_OUT, CAPSULES_OUT, DATAGRAMS_DROPPED;

        private final String key = name().toLowerCase(Locale.ROOT);

        public String key() {
            return key;
        }

        /** The field named {@code key} (case-insensitive), or null. */
        public static Field byKey(String key) {
            for (Field f : values()) {
                if (f.key.equalsIgnoreCase(key)) {
                    return f;
                }
            }
            return null;
        }

        /** Every key in line order, for messages and documentation. */
        public static List<String> keys() {
            List<String> keys = new ArrayList<>();
            for (Field f : values()) {
                keys.add(f.key);
            }
            return List.copyOf(keys);
        }
    }

    /**
     * The fields that name or point at where a request goes. {@code authority} and {@code path} carry a tunnel's
     * target (CONNECT's authority, CONNECT-UDP's path); {@code origin} is the tunnel's {@code host:port} once
     * chosen; {@code detail} may name it ("cannot resolve x.example", "192.0.2.1 is private ...").
     */
    public static final List<Field> TARGET = List.of(Field.AUTHORITY, Field.PATH, Field.ORIGIN, Field.DETAIL);

    private static final AccessLogFields ALL = new AccessLogFields(mask(List.of(Field.values())));

    private final long bits;

    private AccessLogFields(long bits) {
        this.bits = bits;
    }

    /** Every field: the line as it has always been. */
    public static AccessLogFields all() {
        return ALL;
    }

    /** Exactly {@code fields}, in any order; repeats do not matter. */
    public static AccessLogFields of(Collection<Field> fields) {
        return new AccessLogFields(mask(fields));
    }

    /** These fields without {@code field}. */
    public AccessLogFields without(Field field) {
        return new AccessLogFields(bits & ~bit(field));
    }

    public boolean has(Field field) {
        return (bits & bit(field)) != 0;
    }

    public boolean isEmpty() {
        return bits == 0;
    }

    /**
     * True if a line would hold the client's address beside a field that names the target ({@link #TARGET}): the
     * pair that a privacy relay's egress must never write, since together they say who went where.
     */
    public boolean linksClientToTarget() {
        return has(Field.CLIENT) && !targetsIn().isEmpty();
    }

    /** The {@link #TARGET} fields in this selection, in line order. */
    public List<Field> targetsIn() {
        return TARGET.stream().filter(this::has).toList();
    }

    /** The selected fields in line order. */
    public List<Field> fields() {
        List<Field> out = new ArrayList<>();
        for (Field f : Field.values()) {
            if (has(f)) {
                out.add(f);
            }
        }
        return List.copyOf(out);
    }

    private static long mask(Collection<Field> fields) {
        long bits = 0;
        for (Field f : fields) {
            bits |= bit(Objects.requireNonNull(f, "field"));
        }
        return bits;
    }

    private static long bit(Field field) {
        return 1L << field.ordinal();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessLogFields other && other.bits == bits;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bits);
    }

    @Override
    public String toString() {
        return fields().stream().map(Field::key).toList().toString();
    }
}
