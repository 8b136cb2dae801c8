package dev.ferry.bridge.headers;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The form of a request path that routes and hooks judge, so that spellings an origin reads as the same path
 * cannot slip past a rule: {@code /%61dmin}, {@code //admin} and {@code /a/../admin} all match a {@code /admin}
 * route. What is forwarded stays as the client sent it.
 *
 * <p>The policy, applied to the path only (the query is dropped from the result):
 * <ol>
 *   <li>percent-encoded unreserved characters (letters, digits, {@code - . _ ~}) are decoded, and the hex digits of
 *       the other percent-encodings are written in upper case (RFC 3986 6.2.2.1 and 6.2.2.2);</li>
 *   <li>runs of slashes are merged into one: most origins and frameworks read {@code //admin} as {@code /admin};</li>
 *   <li>dot segments are removed (RFC 3986 5.2.4), after decoding, so {@code /%2e%2e/} counts as {@code /../}.</li>
 * </ol>
 * An encoded slash ({@code %2F}) or backslash ({@code %5C}) stays encoded: it is not a segment boundary in RFC 3986,
 * and a route cannot know whether a given origin decodes it. Malformed percent-encodings are left as they are.
 */
public final class PathNormalizer {
    private PathNormalizer() {
    }

    /** The normalized path of {@code pathAndQuery} ("/" for null, empty or "*"-less non-paths). */
    public static String normalize(String pathAndQuery) {
        if (pathAndQuery == null || pathAndQuery.isEmpty() || pathAndQuery.charAt(0) != '/') {
            return pathAndQuery == null || pathAndQuery.isEmpty() ? "/" : pathAndQuery;
        }
        int query = pathAndQuery.indexOf('?');
        String path = query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
        return removeDotSegments(mergeSlashes(decodeUnreserved(path)));
    }

    static String decodeUnreserved(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            int hi = i + 2 < path.length() && c == '%' ? Character.digit(path.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(path.charAt(i + 2), 16) : -1;
            if (lo < 0) {
                out.append(c);
                continue;
            }
            char decoded = (char) (hi * 16 + lo);
            if (isUnreserved(decoded)) {
                out.append(decoded);
            } else {
                out.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                        .append(Character.toUpperCase(path.charAt(i + 2)));
            }
            i += 2;
        }
        return out.toString();
    }

    static String mergeSlashes(String path) {
        if (!path.contains("//")) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c != '/' || out.length() == 0 || out.charAt(out.length() - 1) != '/') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** RFC 3986 5.2.4 for an absolute path: "." segments go, ".." removes the segment before it. */
    static String removeDotSegments(String path) {
        if (!path.contains("/.")) {
            return path;
        }
        Deque<String> segments = new ArrayDeque<>();
        String[] parts = path.substring(1).split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            if (part.equals(".")) {
                if (last) {
                    segments.addLast("");
                }
            } else if (part.equals("..")) {
                segments.pollLast();
                if (last) {
                    segments.addLast("");
                }
            } else {
                segments.addLast(part);
            }
        }
        return "/" + String.join("/", segments);
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
