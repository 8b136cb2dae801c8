package dev.ferry.app.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations of the configuration file: a whole number followed by {@code ms}, {@code s}, {@code m} or
 * {@code h}, such as {@code 250ms}, {@code 5s}, {@code 2m} or {@code 1h}.
 *
 * <p>A bare number is rejected because its unit would be a guess (seconds? milliseconds?), and zero or negative
 * values are rejected because no timeout in Ferry means "never" or "immediately": both read as a mistake.
 */
public final class DurationParser {
    /** The phrase used after "expected:" in messages about durations. */
    public static final String EXPECTED = "a duration > 0 such as 30s or 250ms";

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,15})(ms|s|m|h)");

    private DurationParser() {
    }

    /**
     * Returns the duration written as {@code text}.
     *
     * @throws IllegalArgumentException if the text is not a positive whole number with a unit
     */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(text + " (expected: " + EXPECTED + ")");
        }
        long amount = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException(text + " (expected: " + EXPECTED + ")");
        }
        return d;
    }

    /** Formats a duration the way {@link #parse} reads it, in the largest unit that keeps it whole. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
