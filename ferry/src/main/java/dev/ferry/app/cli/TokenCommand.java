package dev.ferry.app.cli;

import dev.ferry.bridge.builtin.TokenStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferry token}: bearer tokens for tunnel authentication ({@code tunnels.auth.tokens-sha256}). The relay
 * stores only SHA-256 hashes, so the configuration file never holds a usable credential; these commands make a
 * token and the hash that goes into the file.
 *
 * <ul>
 *   <li>{@code ferry token new}: a fresh token, 32 bytes from {@link SecureRandom} in base64url without padding
 *       (43 characters, a valid RFC 6750 {@code b64token}), and its hash.</li>
 *   <li>{@code ferry token hash TOKEN}, or {@code ferry token hash -} to read it from standard input (which keeps it
 *       out of the shell history and the process list): the hash of an existing token.</li>
 * </ul>
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Bearer tokens for tunnels, and their hashes for tunnels.auth.tokens-sha256",
        subcommands = {TokenCommand.New.class, TokenCommand.Hash.class})
public final class TokenCommand implements Runnable {
    /** Exit code for a token that is not a valid {@code b64token}. */
    public static final int INVALID = 2;
    /** Random bytes in a new token: 256 bits, as much as the hash keeps. */
    static final int TOKEN_BYTES = 32;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A fresh random token: base64url (RFC 4648 section 5) of 32 random bytes, no padding. */
    static String newToken(SecureRandom random) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Command(name = "new", mixinStandardHelpOptions = true,
            description = {"Print a new random token and its SHA-256.",
                    "Give the token to the client (Proxy-Authorization: Bearer TOKEN); put the hash in "
                            + "tunnels.auth.tokens-sha256."})
    static final class New implements Callable<Integer> {
        private static final SecureRandom RANDOM = new SecureRandom();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            String token = newToken(RANDOM);
            PrintWriter out = spec.commandLine().getOut();
            out.println("token: " + token);
            out.println("sha256: " + TokenStore.hash(token));
            out.flush();
            return 0;
        }
    }

    @Command(name = "hash", mixinStandardHelpOptions = true,
            description = "Print the SHA-256 (hex) of a token, for tunnels.auth.tokens-sha256")
    static final class Hash implements Callable<Integer> {
        private final InputStream in;

        @Parameters(index = "0", paramLabel = "TOKEN",
                description = "The token, or - to read it from standard input (one line; keeps it out of the "
                        + "process list)")
        String token;

        @Spec
        CommandSpec spec;

        Hash() {
            this(System.in);
        }

        Hash(InputStream in) {
            this.in = in;
        }

        @Override
        public Integer call() throws IOException {
            String text = token;
            if ("-".equals(text)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            try {
                String hex = TokenStore.hash(text);
                spec.commandLine().getOut().println(hex);
                spec.commandLine().getOut().flush();
                return 0;
            } catch (IllegalArgumentException e) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("ferry token hash: " + e.getMessage());
                err.flush();
                return INVALID;
            }
        }
    }

    /** For tests: a command line whose {@code hash -} reads {@code in}. */
    static CommandLine commandLine(InputStream in) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        return new CommandLine(new TokenCommand(), new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> cls) throws Exception {
                return cls == Hash.class ? (K) new Hash(in) : defaults.create(cls);
            }
        });
    }
}
