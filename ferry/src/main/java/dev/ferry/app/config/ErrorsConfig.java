package dev.ferry.app.config;

import java.util.List;
import java.util.Objects;

/**
 * How much an error answer tells the client.
 *
 * @param details {@code details}, default {@code minimal}: the {@code Proxy-Status} field always carries the RFC 9209
 *                error type; with {@code minimal} its {@code details} describe only what the client itself sent
 *                wrong, with {@code verbose} every error's cause too (origin names, exception messages), for
 *                debugging. The log has the full cause either way
 */
public record ErrorsConfig(String details) {
    public static final List<String> DETAILS = List.of("minimal", "verbose");

    public ErrorsConfig {
        Checks.oneOf(Objects.requireNonNull(details, "details"), DETAILS, "details");
    }

    public static ErrorsConfig defaults() {
        return new ErrorsConfig("minimal");
    }

    public boolean verbose() {
        return "verbose".equals(details);
    }
}
