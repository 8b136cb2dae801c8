package dev.ferry.app.config;

import java.util.Objects;

/**
 * The access log: one line per completed exchange.
 *
 * @param enabled {@code enabled}, default true
 * @param path    {@code path}, default {@code -}: {@code -} writes to standard output (for containers and systemd),
 *                anything else is a file, appended to; {@code ~} is expanded and a relative path is taken from the
 *                configuration file's directory
 */
public record AccessLogConfig(boolean enabled, String path) {
    /** The path value meaning standard output. */
    public static final String STDOUT = "-";

    public AccessLogConfig {
        Objects.requireNonNull(path, "path");
        if (path.isBlank()) {
            throw new IllegalArgumentException("path must not be blank");
        }
    }

    public static AccessLogConfig defaults() {
        return new AccessLogConfig(true, STDOUT);
    }

    public boolean toStdout() {
        return STDOUT.equals(path);
    }
}
