package dev.ferry.app.config;

import java.util.List;

/**
 * A configuration file that cannot be used, with every problem found in it rather than only the first: fixing a
 * file one error per run is slow, so the loader keeps walking and reports all of them together.
 *
 * <p>Each problem is one line that starts with the key path, such as
 * {@code listeners[0].quic.max-idle-timeout: -1s (expected: a duration > 0 such as 30s or 250ms)}. Problems that
 * concern the whole file (unreadable, YAML syntax, empty) start with the source name instead.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super(String.join("\n", problems), null, false, false);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file name or label the configuration was read from. */
    public String source() {
        return source;
    }

    /** Every problem, one message per entry, in the order the file was walked. */
    public List<String> problems() {
        return problems;
    }
}
