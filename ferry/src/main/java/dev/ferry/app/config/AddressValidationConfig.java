package dev.ferry.app.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Address validation of QUIC clients by Retry (RFC 9000 8.1.2): a client's first Initial is answered with a Retry
 * token that its next Initial must bring back from the same address, so a spoofed address gets no handshake work
 * and no amplified traffic. It costs each client one round trip, hence off by default.
 *
 * @param mode          {@code mode}, default {@code off}: {@code off}, {@code always}, or {@code auto}, which sends
 *                      Retry only while new handshakes arrive faster than {@code auto-above} per second
 * @param autoAbove     {@code auto-above}, default 1000: handshakes per second (per listener) above which
 *                      {@code auto} starts sending Retry
 * @param tokenLifetime {@code token-lifetime}, default 30s: how long a Retry token stays valid
 */
public record AddressValidationConfig(String mode, long autoAbove, Duration tokenLifetime) {
    public static final List<String> MODES = List.of("off", "auto", "always");

    public AddressValidationConfig {
        Objects.requireNonNull(mode, "mode");
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("mode: " + mode + " (expected one of " + MODES + ")");
        }
        Checks.range(autoAbove, 1, Long.MAX_VALUE, "autoAbove");
        Checks.positive(tokenLifetime, "tokenLifetime");
    }

    public static AddressValidationConfig defaults() {
        return new AddressValidationConfig("off", 1000, Duration.ofSeconds(30));
    }

    public boolean enabled() {
        return !mode.equals("off");
    }
}
