package dev.ferry.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.builtin.TokenStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TokenCommandTest {
    /** SHA-256 of "test", a well-known vector. */
    private static final String TEST_SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final Pattern NEW_OUTPUT = Pattern.compile("token: ([A-Za-z0-9_-]{43})\nsha256: ([0-9a-f]{64})\n");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(InputStream in, String... args) {
        CommandLine cli = TokenCommand.commandLine(in);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private int run(String... args) {
        return run(new ByteArrayInputStream(new byte[0]), args);
    }

    @Test
    void newPrintsARandomBase64UrlTokenAndItsHash() throws Exception {
        assertEquals(0, run("new"));
        var m = NEW_OUTPUT.matcher(out.toString().replace("\r\n", "\n"));
        assertTrue(m.matches(), out.toString());
        String token = m.group(1);
        assertEquals(32, Base64.getUrlDecoder().decode(token).length);
        assertEquals(TokenStore.hash(token), m.group(2));
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(expected, m.group(2));
        // The printed hash is what the relay accepts the token by.
        assertTrue(TokenStore.ofSha256Hex(List.of(m.group(2))).matches(token));
        assertEquals("", err.toString());
    }

    @Test
    void newNeverRepeatsAToken() {
        assertEquals(0, run("new"));
        assertEquals(0, run("new"));
        String[] lines = out.toString().split("\\R");
        assertEquals(4, lines.length);
        assertNotEquals(lines[0], lines[2]);
    }

    @Test
    void everyNewTokenIsAValidB64Token() {
        java.security.SecureRandom random = new java.security.SecureRandom();
        for (int i = 0; i < 1000; i++) {
            String token = TokenCommand.newToken(random);
            assertEquals(43, token.length());
            TokenStore.hash(token); // throws for anything that is not an RFC 6750 b64token
        }
    }

    @Test
    void hashPrintsTheHexOfAnArgument() {
        assertEquals(0, run("hash", "test"));
        assertEquals(TEST_SHA256 + "\n", out.toString().replace("\r\n", "\n"));
    }

    @Test
    void hashReadsStandardInputForDash() {
        InputStream in = new ByteArrayInputStream("test\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, run(in, "hash", "-"));
        assertEquals(TEST_SHA256, out.toString().strip());
    }

    @Test
    void hashRefusesWhatNoClientCouldSend() {
        assertEquals(TokenCommand.INVALID, run("hash", "not a token"));
        assertEquals("ferry token hash: token: not a b64token (RFC 6750 2.1: letters, digits, -._~+/ and trailing =)",
                err.toString().strip());
        assertEquals("", out.toString());
    }

    @Test
    void hashRefusesEmptyStandardInput() {
        assertEquals(TokenCommand.INVALID, run("hash", "-"));
        assertTrue(err.toString().contains("not a b64token"), err.toString());
    }

    @Test
    void hashWithoutATokenIsAUsageError() {
        assertEquals(2, run("hash"));
        assertTrue(err.toString().contains("Missing required parameter: 'TOKEN'"), err.toString());
    }

    @Test
    void tokenAloneListsItsSubcommands() {
        assertEquals(0, run());
        assertTrue(out.toString().contains("new"), out.toString());
        assertTrue(out.toString().contains("hash"), out.toString());
    }
}
