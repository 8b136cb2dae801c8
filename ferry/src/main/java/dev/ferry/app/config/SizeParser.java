package dev.ferry.app.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the byte sizes of the configuration file: a whole number of bytes, optionally with a binary unit
 * ({@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}), such as {@code 1024}, {@code 64KiB} or {@code 16MiB}.
 *
 * <p>Decimal units ({@code KB}, {@code MB}) are rejected rather than guessed at: whether "16MB" means 16,000,000
 * or 16,777,216 bytes is exactly the ambiguity the binary prefixes exist to remove.
 */
public final class SizeParser {
    /** The phrase used after "expected:" in messages about sizes. */
    public static final String EXPECTED = "a size > 0 such as 1024, 64KiB or 16MiB";

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})(KiB|MiB|GiB|TiB)?");

    private SizeParser() {
    }

    /**
     * Returns the number of bytes written as {@code text}.
     *
     * @throws IllegalArgumentException if the text is not a positive size or does not fit in a {@code long}
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw invalid(text);
        }
        try {
            long amount = Long.parseLong(m.group(1));
            int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
                case "KiB" -> 10;
                case "MiB" -> 20;
                case "GiB" -> 30;
                default -> 40;
            };
            long bytes = Math.multiplyExact(amount, 1L << shift);
            if (bytes <= 0) {
                throw invalid(text);
            }
            return bytes;
        } catch (ArithmeticException | NumberFormatException e) {
            throw invalid(text);
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(text + " (expected: " + EXPECTED + ")");
    }
}
