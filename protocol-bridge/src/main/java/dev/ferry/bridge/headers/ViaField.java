package dev.ferry.bridge.headers;

import io.netty.handler.codec.http.HttpHeaders;

import java.util.ArrayList;
import java.util.List;

/**
 * The Via field of RFC 9110 section 7.6.3: each proxy appends the protocol version it received the message with
 * and its name, so that a message carries its path and a proxy can notice it saw the message before.
 *
 * <p>The received protocol drops the name for HTTP ("1.1", "2", "3"; section 7.6.3 makes "HTTP/" optional). The
 * name is a pseudonym, a token, rather than a host name, which section 7.6.3 allows and which reveals less. Loop
 * detection by {@link #seenBefore} is only as good as the pseudonym is unique among the proxies in a chain.
 */
public final class ViaField {
    private ViaField() {
    }

    /**
     * Appends {@code "<version> <pseudonym>"} to the Via list of {@code h}, keeping one Via field.
     *
     * @param receivedProtocolVersion "3", "2", "1.1", or forms such as "HTTP/1.1" and "HTTP/2.0"
     * @throws IllegalArgumentException when the pseudonym is not a token or the version cannot be written
     */
    public static void append(HttpHeaders h, String receivedProtocolVersion, String pseudonym) {
        String entry = receivedProtocol(receivedProtocolVersion) + ' ' + requireValidPseudonym(pseudonym);
        List<String> existing = h.getAll("via");
        if (existing.isEmpty()) {
            h.set("via", entry);
        } else {
            h.set("via", String.join(", ", existing) + ", " + entry);
        }
    }

    /**
     * True when a Via entry of {@code h} names {@code pseudonym} as its receiver (compared without case), which
     * means the message has passed this proxy before: a loop (RFC 9110 7.6.3, RFC 9209 proxy_loop_detected).
     */
    public static boolean seenBefore(HttpHeaders h, String pseudonym) {
        for (String value : h.getAll("via")) {
            for (String entry : entries(value)) {
                String[] parts = entry.split("[ \t]+", 3);
                if (parts.length >= 2 && parts[1].equalsIgnoreCase(pseudonym)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Removes every Via entry of {@code h} except those received by {@code pseudonym} (this relay's own), for a hop
     * that must not pass on what the client's side of the chain said about itself. With a null pseudonym every
     * entry goes.
     */
    public static void keepOnlyOwn(HttpHeaders h, String pseudonym) {
        List<String> kept = new ArrayList<>();
        for (String value : h.getAll("via")) {
            for (String entry : entries(value)) {
                String[] parts = entry.split("[ \t]+", 3);
                if (pseudonym != null && parts.length >= 2 && parts[1].equalsIgnoreCase(pseudonym)) {
                    kept.add(entry);
                }
            }
        }
        h.remove("via");
        if (!kept.isEmpty()) {
            h.set("via", String.join(", ", kept));
        }
    }

    /**
     * Returns {@code pseudonym} when it is a token (RFC 9110 5.6.2), the form Via's received-by needs; for
     * configuration to fail fast.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static String requireValidPseudonym(String pseudonym) {
        if (!FieldSyntax.isToken(pseudonym)) {
            throw new IllegalArgumentException("pseudonym: " + pseudonym + " (expected: a token)");
        }
        return pseudonym;
    }

    /** "HTTP/1.1" to "1.1", "HTTP/2.0" to "2", "3" as is; other protocols keep their name. */
    static String receivedProtocol(String version) {
        if (version == null) {
            throw new IllegalArgumentException("receivedProtocolVersion: null");
        }
        String v = version;
        int slash = v.indexOf('/');
        if (slash >= 0 && v.regionMatches(true, 0, "HTTP", 0, 4) && slash == 4) {
            v = v.substring(slash + 1);
        }
        if ("2.0".equals(v) || "3.0".equals(v)) {
            v = v.substring(0, 1);
        }
        int s = v.indexOf('/');
        boolean ok = s < 0 ? FieldSyntax.isToken(v)
                : FieldSyntax.isToken(v.substring(0, s)) && FieldSyntax.isToken(v.substring(s + 1));
        if (!ok) {
            throw new IllegalArgumentException("receivedProtocolVersion: " + version
                    + " (expected: [protocol-name/]version, tokens)");
        }
        return v;
    }

    /** Splits a Via value at the commas that are not inside a comment (RFC 9110 5.6.5). */
    static List<String> entries(String value) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && depth > 0) {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                add(out, value.substring(start, i));
                start = i + 1;
            }
        }
        add(out, value.substring(start));
        return out;
    }

    private static void add(List<String> out, String entry) {
        String e = FieldSyntax.trimOws(entry);
        if (!e.isEmpty()) {
            out.add(e);
        }
    }
}
