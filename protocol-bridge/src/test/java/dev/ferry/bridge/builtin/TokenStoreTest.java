package dev.ferry.bridge.builtin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenStoreTest {
    /** FIPS 180-2 test vector: SHA-256("abc"). */
    private static final String ABC_HEX = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String ABC_B64 = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";

    @Test
    void hashIsLowerCaseHexSha256() {
        assertEquals(ABC_HEX, TokenStore.hash("abc"));
    }

    @Test
    void matchesStoredHashInEveryEncoding() {
        String other = TokenStore.hash("other-token");
        for (TokenStore s : List.of(TokenStore.ofSha256Hex(List.of(other, ABC_HEX.toUpperCase())),
                TokenStore.ofSha256Base64(List.of(ABC_B64)),
                TokenStore.ofSha256Base64(List.of(ABC_B64.substring(0, 43))),
                TokenStore.ofSha256(List.of(" " + ABC_HEX + " ", other)),
                TokenStore.ofSha256(List.of(ABC_B64)))) {
            assertTrue(s.matches("abc"), s.toString());
            assertFalse(s.matches("abd"));
            assertFalse(s.matches("ab"));
            assertFalse(s.matches(""));
            assertFalse(s.matches(null));
        }
        assertTrue(TokenStore.ofSha256Hex(List.of(other, ABC_HEX)).matches("other-token"));
    }

    @Test
    void emptyStoreMatchesNothing() {
        assertFalse(TokenStore.empty().matches("abc"));
        assertEquals(0, TokenStore.empty().size());
    }

    @Test
    void neverPrintsHashes() {
        assertEquals("TokenStore(1 hashes)", TokenStore.ofSha256Hex(List.of(ABC_HEX)).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015"})
    void rejectsBadHex(String hex) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenStore.ofSha256Hex(List.of(hex)));
        assertTrue(e.getMessage().startsWith("token hash: expected 64 hex digits"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc=", "not base64!", "YWJj", ABC_HEX + "00"})
    void rejectsBadBase64(String b64) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenStore.ofSha256(List.of(b64)));
        assertTrue(e.getMessage().startsWith("token hash: "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "tok\"en", "===", "ä", "a=b"})
    void hashRejectsWhatNoClientCouldSend(String token) {
        assertThrows(IllegalArgumentException.class, () -> TokenStore.hash(token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "A-._~+/9", "abc==", "mF_9.B5f-4.1JqM"})
    void acceptsB64Tokens(String token) {
        assertTrue(TokenStore.isValidToken(token));
        assertTrue(TokenStore.ofSha256Hex(List.of(TokenStore.hash(token))).matches(token));
    }
}
