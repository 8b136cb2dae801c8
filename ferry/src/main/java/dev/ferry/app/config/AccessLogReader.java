package dev.ferry.app.config;

import dev.ferry.app.hooks.AccessLogFields;
import dev.ferry.app.hooks.AccessLogFields.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code access-log}. {@code fields} names the members a line may hold, by their JSON keys; a name that is no
 * field is refused (a typo would otherwise drop a field silently), and so is an empty list, which would write
 * {@code {}} per exchange: {@code enabled: false} says that. Left out, {@code fields} stays unset and the privacy
 * role's default applies ({@link AccessLogConfig#fieldsFor(PrivacyConfig)}); what a role forbids is checked by
 * {@link PrivacyReader#constrainAccessLog}.
 */
final class AccessLogReader {
    static final String FIELDS_EXPECTED = "one of " + String.join(", ", Field.keys());

    private AccessLogReader() {
    }

    static AccessLogConfig read(ConfigNode node, Path baseDir) {
        AccessLogConfig d = AccessLogConfig.defaults();
        if (!node.isMap("a map with keys enabled, path, fields, max-size, keep")) {
            return d;
        }
        node.allowKeys("enabled", "path", "fields", "max-size", "keep");
        boolean enabled = node.child("enabled").bool(d.enabled());
        String path = node.child("path").string(d.path(), "- for standard output, or a file path",
                s -> !s.isBlank());
        if (!path.equals(AccessLogConfig.STDOUT)) {
            path = ConfigNode.expand(path, baseDir).toString();
        }
        ConfigNode maxSizeNode = node.child("max-size");
        long maxSize = maxSizeNode.size(0, Long.MAX_VALUE);
        if (maxSize > 0 && path.equals(AccessLogConfig.STDOUT)) {
            maxSizeNode.problem("no max-size with path: - (standard output is rotated by whatever reads it, such as "
                    + "journald); set a file path to rotate");
            maxSize = 0;
        }
        int keep = (int) node.child("keep").integer(AccessLogConfig.DEFAULT_KEEP, 1, AccessLogConfig.MAX_KEEP,
                "an integer from 1 to " + AccessLogConfig.MAX_KEEP + " (rotated files kept)");
        return new AccessLogConfig(enabled, path, readFields(node.child("fields")), maxSize, keep);
    }

    /** The selection, or null when {@code fields} is absent or has a problem (reported). */
    private static AccessLogFields readFields(ConfigNode node) {
        if (!node.present()) {
            return null;
        }
        int before = node.problemCount();
        List<Field> fields = new ArrayList<>();
        List<ConfigNode> items = node.elements("a list of field names, each " + FIELDS_EXPECTED);
        for (ConfigNode item : items) {
            String key = item.string(null, FIELDS_EXPECTED, s -> Field.byKey(s) != null);
            if (key != null) {
                fields.add(Field.byKey(key));
            }
        }
        if (node.isList() && items.isEmpty()) {
            node.problem("at least one field name; to write no lines, set enabled: false");
        }
        return node.problemCount() == before ? AccessLogFields.of(fields) : null;
    }
}
