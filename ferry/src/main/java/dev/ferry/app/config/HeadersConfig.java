package dev.ferry.app.config;

import java.util.List;
import java.util.Objects;

/**
 * What Ferry adds to requests it forwards.
 *
 * @param via             {@code via}, default true: add {@code Via: 3 <proxy-name>} (RFC 9110 section 7.6.3)
 *                        to requests and responses
 * @param forwarding      {@code forwarding}, default {@code replace}: what to do with client-address headers:
 *                        {@code append} to what the client sent (only when Ferry sits behind a proxy you trust),
 *                        {@code replace} what the client sent (a client cannot forge its address), or {@code omit}
 *                        them (strip and add nothing)
 * @param forwardingStyle {@code forwarding-style}, default {@code forwarded}: which headers: {@code forwarded}
 *                        (RFC 7239), {@code x-forwarded-for} (with -proto and -host), or {@code both}
 * @param strip           {@code strip}, default none: more request field names to remove before any origin sees a
 *                        request, in every forwarding mode (lower case)
 */
public record HeadersConfig(boolean via, String forwarding, String forwardingStyle, List<String> strip) {
    public static final List<String> FORWARDING = List.of("append", "replace", "omit");
    public static final List<String> FORWARDING_STYLES = List.of("forwarded", "x-forwarded-for", "both");

    public HeadersConfig {
        Checks.oneOf(Objects.requireNonNull(forwarding, "forwarding"), FORWARDING, "forwarding");
        Checks.oneOf(Objects.requireNonNull(forwardingStyle, "forwardingStyle"), FORWARDING_STYLES,
                "forwardingStyle");
        strip = List.copyOf(strip);
    }

    public HeadersConfig(boolean via, String forwarding, String forwardingStyle) {
        this(via, forwarding, forwardingStyle, List.of());
    }

    public static HeadersConfig defaults() {
        return new HeadersConfig(true, "replace", "forwarded");
    }
}
