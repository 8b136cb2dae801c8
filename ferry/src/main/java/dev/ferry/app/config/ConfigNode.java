package dev.ferry.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One position in the YAML tree together with its key path, such as {@code listeners[0].quic}, and the shared list
 * of problems. Reading a value never throws: a bad value is reported against its path and the caller gets the
 * default back, so the walk continues and every problem in the file is found in one pass.
 *
 * <p>A key that is absent and a key whose value is YAML null ({@code tls:} with nothing after it) read the same:
 * as "not set". Looking up a child of a value that is not a map yields an absent node, so a wrongly typed section is
 * reported once, not once per key below it.
 */
final class ConfigNode {
    private final JsonNode value;
    private final String path;
    private final String sourceName;
    private final List<String> problems;

    private ConfigNode(JsonNode value, String path, String sourceName, List<String> problems) {
        this.value = value == null || value.isNull() || value.isMissingNode() ? null : value;
        this.path = path;
        this.sourceName = sourceName;
        this.problems = problems;
    }

    static ConfigNode root(JsonNode tree, String sourceName, List<String> problems) {
        return new ConfigNode(tree, "", sourceName, problems);
    }

    /** The key path, or the source name for the root. */
    String path() {
        return path.isEmpty() ? sourceName : path;
    }

    boolean present() {
        return value != null;
    }

    /** True if this node is YAML {@code true}; reports nothing (for looking ahead before the walk reaches it). */
    boolean isTrue() {
        return value != null && value.isBoolean() && value.booleanValue();
    }

    /** True if this node is the string {@code text}; reports nothing (for looking ahead). */
    boolean isText(String text) {
        return value != null && value.isTextual() && value.asText().equals(text);
    }

    /** True if this node is a list; reports nothing. */
    boolean isList() {
        return value != null && value.isArray();
    }

    int problemCount() {
        return problems.size();
    }

    ConfigNode child(String key) {
        JsonNode v = value != null && value.isObject() ? value.get(key) : null;
        return new ConfigNode(v, path.isEmpty() ? key : path + "." + key, sourceName, problems);
    }

    /** True if this node is a map; reports it (when present) as not matching {@code expected} otherwise. */
    boolean isMap(String expected) {
        if (value != null && !value.isObject()) {
            problem(expected);
        }
        return value != null && value.isObject();
    }

    /** Reports every key of this map that is not one of {@code allowed}, naming the allowed keys. */
    void allowKeys(String... allowed) {
        if (value == null || !value.isObject()) {
            return;
        }
        List<String> known = List.of(allowed);
        for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                problems.add(child(key).path() + ": unknown key (expected one of: " + String.join(", ", known) + ")");
            }
        }
    }

    /** The elements of a list, each with its {@code [i]} path; empty (and reported) if this is not a list. */
    List<ConfigNode> elements(String expected) {
        List<ConfigNode> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (!value.isArray()) {
            problem(expected);
            return out;
        }
        for (int i = 0; i < value.size(); i++) {
            out.add(new ConfigNode(value.get(i), path + "[" + i + "]", sourceName, problems));
        }
        return out;
    }

    /** The entries of a map in file order, each with its {@code .key} path; empty (and reported) if not a map. */
    Map<String, ConfigNode> entries(String expected) {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (isMap(expected)) {
            value.fieldNames().forEachRemaining(key -> out.put(key, child(key)));
        }
        return out;
    }

    /** The field names of this map, or none; reports nothing (for cross-references). */
    List<String> keys() {
        List<String> out = new ArrayList<>();
        if (value != null && value.isObject()) {
            value.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    String string(String fallback, String expected, Predicate<String> valid) {
        if (value == null) {
            return fallback;
        }
        if (!value.isValueNode() || !valid.test(value.asText())) {
            problem(expected);
            return fallback;
        }
        return value.asText();
    }

    /** A string from a fixed set, compared without regard to case and returned in lower case. */
    String choice(String fallback, List<String> allowed) {
        String text = string(fallback, "one of " + String.join(", ", allowed),
                s -> allowed.contains(s.toLowerCase(Locale.ROOT)));
        return text.toLowerCase(Locale.ROOT);
    }

    boolean bool(boolean fallback) {
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            problem("true or false");
            return fallback;
        }
        return value.booleanValue();
    }

    long integer(long fallback, long min, long max, String expected) {
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()
                || value.longValue() < min || value.longValue() > max) {
            problem(expected);
            return fallback;
        }
        return value.longValue();
    }

    double number(double fallback) {
        if (value == null) {
            return fallback;
        }
        if (!value.isNumber()) {
            problem("a number");
            return fallback;
        }
        return value.doubleValue();
    }

    Duration duration(Duration fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            if (value.isTextual()) {
                return DurationParser.parse(value.asText());
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problem(DurationParser.EXPECTED);
        return fallback;
    }

    long size(long fallback, long max) {
        if (value == null) {
            return fallback;
        }
        try {
            if (value.isTextual() || (value.isIntegralNumber() && value.canConvertToLong())) {
                long bytes = SizeParser.parse(value.asText());
                if (bytes <= max) {
                    return bytes;
                }
                problem("at most " + max + " bytes");
                return fallback;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problem(SizeParser.EXPECTED);
        return fallback;
    }

    /**
     * A file system path: {@code ~} and {@code ~/...} expand to the user's home directory, and a relative path is
     * resolved against {@code baseDir} (the directory of the configuration file), so that the meaning of a file
     * does not depend on the directory Ferry happens to be started from.
     */
    Path file(Path fallback, Path baseDir) {
        String text = string(null, "a file system path", s -> !s.isBlank());
        if (text == null) {
            return fallback;
        }
        return expand(text, baseDir);
    }

    static Path expand(String text, Path baseDir) {
        String home = System.getProperty("user.home");
        if (text.equals("~")) {
            return Path.of(home);
        }
        if (text.startsWith("~/")) {
            return Path.of(home, text.substring(2));
        }
        return baseDir.resolve(text).normalize();
    }

    /** Reports this node's value as not matching {@code expected}. */
    void problem(String expected) {
        problems.add(path() + ": " + shown() + " (expected: " + expected + ")");
    }

    /** Reports a message about this node that does not fit the "value (expected: ...)" shape. */
    void report(String message) {
        problems.add(path() + ": " + message);
    }

    /** Reports this node as absent although it is required. */
    void missing(String expected) {
        problems.add(path() + ": missing (expected: " + expected + ")");
    }

    /** The value as it should appear in a message: scalars as written, collections by kind. */
    String shown() {
        if (value == null) {
            return "missing";
        }
        if (value.isObject()) {
            return value.isEmpty() ? "{}" : "a map";
        }
        if (value.isArray()) {
            return value.isEmpty() ? "[]" : "a list";
        }
        String text = value.asText();
        return text.isEmpty() ? "\"\"" : text;
    }
}
