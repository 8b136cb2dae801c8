package dev.ferry.app.config;

import dev.ferry.app.hooks.AccessLogFields;
import dev.ferry.app.hooks.AccessLogFields.Field;
import java.util.Objects;

/**
 * The access log: one line per completed exchange.
 *
 * @param enabled {@code enabled}, default true
 * @param path    {@code path}, default {@code -}: {@code -} writes to standard output (for containers and systemd),
 *                anything else is a file, appended to; {@code ~} is expanded and a relative path is taken from the
 *                configuration file's directory
 * @param fields  {@code fields}, default null: the privacy role's default (see {@link #fieldsFor(PrivacyConfig)}).
 *                Kept unresolved rather than filled in when read, so that a configuration given another role in
 *                code ({@link FerryConfig#withPrivacy}) gets that role's default, not the one it was read with
 * @param maxSize {@code max-size}, default 0 (never): a file is rotated before a line would take it past this size
 *                ({@code FILE} becomes {@code FILE.1}, and so on)
 * @param keep    {@code keep}, default 5: rotated files kept beside the current one
 */
public record AccessLogConfig(boolean enabled, String path, AccessLogFields fields, long maxSize, int keep) {
    public static final int DEFAULT_KEEP = 5;
    public static final int MAX_KEEP = 1000;
    /** The path value meaning standard output. */
    public static final String STDOUT = "-";

    public AccessLogConfig {
        Objects.requireNonNull(path, "path");
        if (path.isBlank()) {
            throw new IllegalArgumentException("path must not be blank");
        }
        if (fields != null && fields.isEmpty()) {
            throw new IllegalArgumentException("fields must name at least one field (or disable the log)");
        }
        Checks.range(maxSize, 0, Long.MAX_VALUE, "maxSize");
        Checks.range(keep, 1, MAX_KEEP, "keep");
        if (maxSize > 0 && STDOUT.equals(path)) {
            throw new IllegalArgumentException("maxSize: standard output cannot be rotated");
        }
    }

    /** Never rotated. */
    public AccessLogConfig(boolean enabled, String path, AccessLogFields fields) {
        this(enabled, path, fields, 0, DEFAULT_KEEP);
    }

    /** The role's default fields. */
    public AccessLogConfig(boolean enabled, String path) {
        this(enabled, path, null);
    }

    public static AccessLogConfig defaults() {
        return new AccessLogConfig(true, STDOUT);
    }

    public boolean toStdout() {
        return STDOUT.equals(path);
    }

    /**
     * The fields a line holds on a relay with {@code privacy}: {@link #fields()} when set, else the role's default.
     * Role {@code none} and an ingress log every field (an ingress's only target is its next hop; it never sees
     * the inner one). An egress logs every field but {@code client}: it sees each tunnel's target, and the address
     * of whoever connected (a first hop, or a client that came directly) must not be written beside it.
     */
    public AccessLogFields fieldsFor(PrivacyConfig privacy) {
        if (fields != null) {
            return fields;
        }
        return defaultFields(privacy);
    }

    /** The default of {@code privacy}'s role; see {@link #fieldsFor(PrivacyConfig)}. */
    public static AccessLogFields defaultFields(PrivacyConfig privacy) {
        return privacy.isEgress() ? AccessLogFields.all().without(Field.CLIENT) : AccessLogFields.all();
    }
}
