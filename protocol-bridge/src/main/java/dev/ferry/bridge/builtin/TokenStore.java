package dev.ferry.bridge.builtin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The bearer tokens a proxy accepts, kept only as SHA-256 hashes so that the configuration file does not hold
 * usable credentials. Tokens are long random strings, not passwords, so a plain hash is enough: there is nothing
 * to guess from it, and a slow password hash would cost every request.
 *
 * <p>{@link #matches} hashes the presented token and compares it with every stored hash using
 * {@link MessageDigest#isEqual}, which is constant-time for equal lengths, and does not stop at the first match:
 * the time taken says neither which token matched nor how much of one did (hashing first also hides the length).
 * Immutable and thread-safe.
 */
public final class TokenStore {
    private static final int SHA256_BYTES = 32;

    private final List<byte[]> hashes;

    private TokenStore(List<byte[]> hashes) {
        this.hashes = List.copyOf(hashes);
    }

    /** A store of SHA-256 hashes written as 64 hex digits, either case. */
    public static TokenStore ofSha256Hex(List<String> hexHashes) {
        List<byte[]> out = new ArrayList<>();
        for (String h : Objects.requireNonNull(hexHashes, "hexHashes")) {
            out.add(decodeHex(h));
        }
        return new TokenStore(out);
    }

    /** A store of SHA-256 hashes in base64 (RFC 4648 section 4, padding optional). */
    public static TokenStore ofSha256Base64(List<String> base64Hashes) {
        List<byte[]> out = new ArrayList<>();
        for (String h : Objects.requireNonNull(base64Hashes, "base64Hashes")) {
            out.add(decodeBase64(h));
        }
        return new TokenStore(out);
    }

    /**
     * A store of SHA-256 hashes, each in hex or base64 as written in configuration. Unambiguous: 64 hex digits
     * are 32 bytes as hex but 48 as base64, which is no SHA-256 hash.
     */
    public static TokenStore ofSha256(List<String> hashes) {
        List<byte[]> out = new ArrayList<>();
        for (String h : Objects.requireNonNull(hashes, "hashes")) {
            String s = Objects.requireNonNull(h, "hash").strip();
            out.add(s.length() == 64 ? decodeHex(s) : decodeBase64(s));
        }
        return new TokenStore(out);
    }

    /** A store holding no token: every bearer token is refused (client certificates may still authenticate). */
    public static TokenStore empty() {
        return new TokenStore(List.of());
    }

    /**
     * The lower-case hex SHA-256 of a token's UTF-8 bytes, as it goes into configuration; for the CLI.
     *
     * @throws IllegalArgumentException if the token is not a {@code b64token} (RFC 6750 section 2.1), which a
     *                                  client could not send in {@code Proxy-Authorization}
     */
    public static String hash(String token) {
        if (!isValidToken(token)) {
            throw new IllegalArgumentException("token: not a b64token (RFC 6750 2.1: letters, digits, "
                    + "-._~+/ and trailing =)");
        }
        return HexFormat.of().formatHex(sha256(token));
    }

    /** True when the token's hash is stored; takes the same time whichever stored hash matches, if any. */
    public boolean matches(String token) {
        if (token == null) {
            return false;
        }
        byte[] presented = sha256(token);
        boolean found = false;
        for (byte[] stored : hashes) {
            found |= MessageDigest.isEqual(presented, stored);
        }
        return found;
    }

    public int size() {
        return hashes.size();
    }

    /** Never shows the hashes. */
    @Override
    public String toString() {
        return "TokenStore(" + hashes.size() + " hashes)";
    }

    /** RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
    static boolean isValidToken(String token) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        int end = token.length();
        while (end > 0 && token.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = token.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static byte[] decodeHex(String hex) {
        String s = Objects.requireNonNull(hex, "hash").strip();
        if (s.length() != 2 * SHA256_BYTES || !s.chars().allMatch(TokenStore::isAsciiHex)) {
            throw new IllegalArgumentException("token hash: expected 64 hex digits (SHA-256), got " + s.length()
                    + " characters");
        }
        return HexFormat.of().parseHex(s);
    }

    private static byte[] decodeBase64(String b64) {
        String s = Objects.requireNonNull(b64, "hash").strip();
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("token hash: neither 64 hex digits nor base64 ("
                    + e.getMessage() + ')');
        }
        if (bytes.length != SHA256_BYTES) {
            throw new IllegalArgumentException("token hash: " + bytes.length + " bytes after base64 decoding"
                    + " (expected: 32, a SHA-256 hash)");
        }
        return bytes;
    }

    private static boolean isAsciiHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
