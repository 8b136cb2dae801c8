package dev.ferry.bridge.headers;

import dev.ferry.bridge.error.ProxyException;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The field syntax shared by the translation rules: token characters (RFC 9110 section 5.6.2), the characters a
 * field value may not carry (RFC 9110 section 5.5, RFC 9114 section 4.2), the connection-specific field names
 * (RFC 9114 section 4.2, RFC 9113 section 8.2.2) and Content-Length lists (RFC 9110 section 8.6).
 *
 * <p>{@link #isToken}, {@link #nameProblem} and {@link #valueProblem} are public so that configuration and hook
 * edits are judged by the same rules as client input.
 */
public final class FieldSyntax {
    /** Fields that only describe one connection; HTTP/2 and HTTP/3 forbid them (RFC 9114 4.2, RFC 9113 8.2.2). */
    static final Set<String> CONNECTION_SPECIFIC =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[Character.toUpperCase(c)] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private FieldSyntax() {
    }

    public static boolean isTchar(char c) {
        return c < 128 && TCHAR[c];
    }

    /** True when {@code s} is a non-empty token (RFC 9110 5.6.2). */
    public static boolean isToken(CharSequence s) {
        if (s == null || s.length() == 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why {@code name} cannot be a regular field name in HTTP/3, or null when it can: it must be a non-empty token
     * (RFC 9110 5.1) without upper-case letters (RFC 9114 4.2).
     */
    public static String nameProblem(CharSequence name) {
        if (name == null || name.length() == 0) {
            return "empty field name";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return "upper-case character in field name " + printable(name);
            }
            if (!isTchar(c)) {
                return "invalid character in field name " + printable(name);
            }
        }
        return null;
    }

    /**
     * Why {@code value} makes a message malformed, or null: CR, LF and NUL are never allowed and a value must not
     * start or end with whitespace (RFC 9114 4.2, RFC 9110 5.5).
     */
    public static String valueProblem(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            switch (value.charAt(i)) {
                case '\r':
                    return "CR";
                case '\n':
                    return "LF";
                case '\0':
                    return "NUL";
                default:
                    break;
            }
        }
        int n = value.length();
        if (n > 0 && isOws(value.charAt(0))) {
            return "leading whitespace";
        }
        if (n > 0 && isOws(value.charAt(n - 1))) {
            return "trailing whitespace";
        }
        return null;
    }

    /** True when an HTTP/3 field section cannot carry {@code value} at all (CR, LF or NUL). */
    static boolean hasForbiddenValueChar(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                return true;
            }
        }
        return false;
    }

    static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** Removes leading and trailing SP and HTAB, which are not part of a field value (RFC 9110 5.5). */
    public static String trimOws(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && isOws(s.charAt(b))) {
            b++;
        }
        while (e > b && isOws(s.charAt(e - 1))) {
            e--;
        }
        return s.substring(b, e);
    }

    static String lower(CharSequence name) {
        return name.toString().toLowerCase(Locale.ROOT);
    }

    /** A copy of {@code src} in which every field name is lower case, order kept. */
    static void copyLowerCase(HttpHeaders src, HttpHeaders dst) {
        for (Map.Entry<String, String> e : src) {
            dst.add(lower(e.getKey()), e.getValue());
        }
    }

    /**
     * Replaces every {@code name} field of {@code h} by one with {@code value}, where the first one stood, so that
     * normalising a field keeps the order of the others (HttpHeaders.set would move it to the end).
     */
    static void replaceInPlace(HttpHeaders h, String name, String value) {
        List<String> existing = h.getAll(name);
        if (existing.size() == 1 && existing.get(0).equals(value)) {
            return;
        }
        List<Map.Entry<String, String>> entries = h.entries();
        h.clear();
        boolean written = false;
        for (Map.Entry<String, String> e : entries) {
            if (!e.getKey().equalsIgnoreCase(name)) {
                h.add(e.getKey(), e.getValue());
            } else if (!written) {
                h.add(name, value);
                written = true;
            }
        }
    }

    /**
     * The length stated by the Content-Length fields of a request, or -1 when there are none; a list of identical
     * values counts as one (RFC 9110 8.6).
     *
     * @throws ProxyException of type {@code HTTP_REQUEST_ERROR} when the values are invalid or differ
     */
    public static long contentLength(HttpHeaders h) {
        try {
            return parseContentLength(h.getAll("content-length"));
        } catch (IllegalArgumentException e) {
            throw ProxyException.badRequest(e.getMessage());
        }
    }

    /**
     * The single length that the Content-Length field values state, or -1 when there are none. RFC 9110 8.6 lets a
     * recipient accept a list of identical decimal values ("5, 5") as one value; anything else is invalid.
     *
     * @throws IllegalArgumentException with a detail message when the values are invalid or differ
     */
    static long parseContentLength(List<String> values) {
        long length = -1;
        for (String value : values) {
            for (String part : value.split(",", -1)) {
                String digits = trimOws(part);
                if (digits.isEmpty()) {
                    throw new IllegalArgumentException("empty content-length value");
                }
                for (int i = 0; i < digits.length(); i++) {
                    char c = digits.charAt(i);
                    if (c < '0' || c > '9') {
                        throw new IllegalArgumentException("content-length not a decimal: " + printable(digits));
                    }
                }
                long parsed;
                try {
                    parsed = Long.parseLong(digits);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("content-length out of range: " + printable(digits));
                }
                if (length != -1 && parsed != length) {
                    throw new IllegalArgumentException("differing content-length values " + length + " and " + parsed);
                }
                length = parsed;
            }
        }
        return length;
    }

    /** {@code s} made safe for a detail message: control and non-ASCII characters escaped, at most 64 chars. */
    public static String printable(CharSequence s) {
        StringBuilder b = new StringBuilder();
        int n = Math.min(s.length(), 64);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                b.append(String.format("\\x%02x", (int) c & 0xffff));
            } else {
                b.append(c);
            }
        }
        if (s.length() > n) {
            b.append("...");
        }
        return b.toString();
    }
}
