package dev.ferry.bridge.tunnel;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The URI template a CONNECT-UDP proxy is configured with (RFC 9298 section 2), matched against the {@code :path} of
 * an extended CONNECT request to find the UDP target, and expanded by a client to build that {@code :path}.
 *
 * <p>Supported: the subset of RFC 6570 that RFC 9298 templates use in practice, level 1 simple string expansion of
 * the two variables {@code {target_host}} and {@code {target_port}}, each exactly once, in the path or in a query
 * such as {@code /masque?h={target_host}&p={target_port}}. Only the path and query are matched (the scheme and
 * authority are checked elsewhere), so a template starts with "/". Each variable must be followed by the end of the
 * template or by a literal character that cannot occur in an expanded value ("/", "&", "?", "=" and the like): the
 * match is then unambiguous and needs no backtracking.
 *
 * <p>Matching follows the expansion rules in reverse (RFC 6570 section 3.2.2): a value is unreserved characters and
 * percent-escapes, decoded afterwards; a raw ':' is also accepted, since it is legal in a path and some clients leave
 * the colons of IPv6 literals unescaped (RFC 9298 section 2 shows them as {@code %3A}). Decoded values are checked by
 * {@link ConnectUdpTarget}. Every failure is an {@link IllegalArgumentException} whose message says what is wrong;
 * the caller answers 400 with it.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConnectUdpTemplate {

    /** The default template: the well-known location RFC 9298 registers and uses in its examples. */
    public static final String DEFAULT_TEMPLATE = "/.well-known/masque/udp/{target_host}/{target_port}/";

    /** The {@linkplain #DEFAULT_TEMPLATE default template}, parsed. */
    public static final ConnectUdpTemplate DEFAULT = parse(DEFAULT_TEMPLATE);

    private static final String HOST = "target_host";
    private static final String PORT = "target_port";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String template;
    /** The literal before the first variable, between the two, and after the second; the last may be empty. */
    private final String[] literals;
    /** The variable names in template order. */
    private final String[] variables;

    private ConnectUdpTemplate(String template, String[] literals, String[] variables) {
        this.template = template;
        this.literals = literals;
        this.variables = variables;
    }

    /**
     * Parses and validates a template.
     *
     * @throws IllegalArgumentException if the template does not start with "/", uses an expression other than
     *                                  {@code {target_host}} and {@code {target_port}}, lacks or repeats one of
     *                                  them, or puts a variable where its end could not be found
     */
    public static ConnectUdpTemplate parse(String template) {
        Objects.requireNonNull(template, "template");
        if (!template.startsWith("/") || template.startsWith("//")) {
            throw new IllegalArgumentException("URI template '" + template
                    + "' must be a path starting with a single '/'");
        }
        String[] literals = new String[3];
        String[] variables = new String[2];
        StringBuilder literal = new StringBuilder();
        int count = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '{') {
                int close = template.indexOf('}', i);
                if (close < 0) {
                    throw new IllegalArgumentException("URI template '" + template + "': unclosed '{' at offset " + i);
                }
                String name = template.substring(i + 1, close);
                if (!name.equals(HOST) && !name.equals(PORT)) {
                    throw new IllegalArgumentException("URI template '" + template + "': unsupported expression {"
                            + name + "} (expected {" + HOST + "} or {" + PORT + "})");
                }
                if (count == 2 || count == 1 && variables[0].equals(name)) {
                    throw new IllegalArgumentException("URI template '" + template + "': {" + name
                            + "} appears more than once");
                }
                literals[count] = literal.toString();
                variables[count++] = name;
                literal.setLength(0);
                i = close;
            } else if (c == '}' || c == '#' || c <= 0x20 || c >= 0x7F) {
                throw new IllegalArgumentException("URI template '" + template + "': character "
                        + ConnectUdpTarget.describe(c) + " not allowed at offset " + i);
            } else {
                literal.append(c);
            }
        }
        literals[count] = literal.toString();
        if (count < 2) {
            String missing = count == 1 && variables[0].equals(HOST) ? PORT : HOST;
            throw new IllegalArgumentException("URI template '" + template + "' lacks {" + missing + "}");
        }
        for (int v = 0; v < 2; v++) {
            String next = literals[v + 1];
            if (v == 0 && next.isEmpty() || !next.isEmpty() && isValueChar(next.charAt(0))) {
                throw new IllegalArgumentException("URI template '" + template + "': {" + variables[v]
                        + "} must be followed by the end or by a delimiter such as '/' or '&', not "
                        + (next.isEmpty() ? "another variable" : ConnectUdpTarget.describe(next.charAt(0))));
            }
        }
        return new ConnectUdpTemplate(template, literals, variables);
    }

    /**
     * Matches the {@code :path} of a CONNECT-UDP request (path and query) against this template.
     *
     * @throws IllegalArgumentException if the path does not match, or a value is not a valid host or port
     */
    public ConnectUdpTarget match(String path) {
        Objects.requireNonNull(path, "path");
        String host = null;
        String port = null;
        int pos = expect(path, 0, literals[0]);
        for (int v = 0; v < 2; v++) {
            String next = literals[v + 1];
            int end = next.isEmpty() ? path.length() : path.indexOf(next.charAt(0), pos);
            if (end < 0) {
                throw new IllegalArgumentException("path '" + path + "' does not match URI template '" + template
                        + "': no '" + next.charAt(0) + "' after {" + variables[v] + "}");
            }
            String value = decode(path.substring(pos, end), variables[v]);
            if (variables[v].equals(HOST)) {
                host = value;
            } else {
                port = value;
            }
            pos = expect(path, end, next);
        }
        if (pos != path.length()) {
            throw new IllegalArgumentException("path '" + path + "' does not match URI template '" + template
                    + "': unexpected '" + path.substring(pos) + "' at the end");
        }
        return new ConnectUdpTarget(host, parsePort(port));
    }

    /**
     * Builds the {@code :path} for a target, percent-encoding the values as RFC 6570 simple expansion does (so the
     * colons of an IPv6 literal become {@code %3A}). An IPv6 host may be given with or without brackets.
     *
     * @throws IllegalArgumentException if the host or port is not valid
     */
    public String expand(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (host.length() > 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']') {
            host = host.substring(1, host.length() - 1);
        }
        ConnectUdpTarget target = new ConnectUdpTarget(host, port);
        StringBuilder out = new StringBuilder(template.length() + host.length() * 3);
        for (int v = 0; v < 2; v++) {
            out.append(literals[v]);
            encode(out, variables[v].equals(HOST) ? target.host() : Integer.toString(target.port()));
        }
        return out.append(literals[2]).toString();
    }

    /** Returns the template text as configured. */
    public String template() {
        return template;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectUdpTemplate other && template.equals(other.template);
    }

    @Override
    public int hashCode() {
        return template.hashCode();
    }

    @Override
    public String toString() {
        return template;
    }

    private int expect(String path, int pos, String literal) {
        if (!path.startsWith(literal, pos)) {
            throw new IllegalArgumentException("path '" + path + "' does not match URI template '" + template
                    + "': expected '" + literal + "' at offset " + pos);
        }
        return pos + literal.length();
    }

    private static String decode(String raw, String name) {
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("empty " + name);
        }
        byte[] bytes = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (lo < 0 || raw.charAt(i + 1) > 'f' || raw.charAt(i + 2) > 'f') {
                    throw new IllegalArgumentException("bad percent-escape '"
                            + raw.substring(i, Math.min(i + 3, raw.length())) + "' in " + name);
                }
                int b = hi << 4 | lo;
                if (b == 0) {
                    throw new IllegalArgumentException("%00 in " + name);
                }
                if (b == '/') {
                    throw new IllegalArgumentException("'/' in " + name + " after percent-decoding");
                }
                bytes[n++] = (byte) b;
                i += 2;
            } else if (isValueChar(c)) {
                bytes[n++] = (byte) c;
            } else {
                throw new IllegalArgumentException("invalid character " + ConnectUdpTarget.describe(c) + " in "
                        + name + " (expected unreserved characters and percent-escapes)");
            }
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    private static int parsePort(String value) {
        if (value.length() > 5 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("target_port '" + value + "' is not a decimal number 1..65535");
        }
        return Integer.parseInt(value);
    }

    private static void encode(StringBuilder out, String value) {
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (isUnreserved(c)) {
                out.append(c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
    }

    /** Characters that may appear unescaped in a matched value: RFC 3986 unreserved, ':' and '%' (escapes). */
    private static boolean isValueChar(char c) {
        return isUnreserved(c) || c == ':' || c == '%';
    }

    private static boolean isUnreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
