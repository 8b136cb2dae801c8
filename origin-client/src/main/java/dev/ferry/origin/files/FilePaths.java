package dev.ferry.origin.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Maps a request path to a file under a root directory, or to nothing. The path is percent-decoded as UTF-8 once,
 * dot segments are resolved, and the result, with symbolic links followed, must still lie under the root: a
 * request can never name a file outside it, whatever its encoding ({@code %2e%2e}, {@code ..%2f}, links).
 */
final class FilePaths {
    private FilePaths() {
    }

    /**
     * The regular, readable file {@code requestPath} names under {@code root} (a real path), or null when there is
     * none, it lies outside, or the path is malformed.
     */
    static Path resolve(Path root, String requestPath) {
        if (requestPath == null || !requestPath.startsWith("/")) {
            return null;
        }
        int end = requestPath.length();
        int query = requestPath.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        int fragment = requestPath.indexOf('#');
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        String decoded = percentDecode(requestPath.substring(0, end));
        if (decoded == null || decoded.indexOf('\0') >= 0 || decoded.endsWith("/")) {
            return null;
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decoded.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.removeLast();
            } else {
                segments.addLast(segment);
            }
        }
        if (segments.isEmpty()) {
            return null;
        }
        try {
            Path candidate = root;
            for (String segment : segments) {
                candidate = candidate.resolve(segment);
            }
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            Path real = candidate.toRealPath();
            if (!real.startsWith(root) || !Files.isRegularFile(real) || !Files.isReadable(real)) {
                return null;
            }
            return real;
        } catch (IOException | InvalidPathException | SecurityException e) {
            return null;
        }
    }

    /** {@code %XX} escapes decoded as UTF-8; null for a broken escape or bytes that are not UTF-8. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i + 2 >= s.length()) {
                return null;
            }
            int hi = Character.digit(s.charAt(i + 1), 16);
            int lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
