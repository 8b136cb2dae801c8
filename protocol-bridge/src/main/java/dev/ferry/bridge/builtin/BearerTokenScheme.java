package dev.ferry.bridge.builtin;

import dev.ferry.bridge.exchange.RequestHead;
import java.util.Objects;

/**
 * {@code Proxy-Authorization: Bearer <token>} (token syntax of RFC 6750 2.1), compared against the SHA-256 hashes of
 * a {@link TokenStore} in constant time. After a wrong or malformed token the challenge adds
 * {@code error="invalid_token"} (RFC 6750 3.1); after missing credentials it carries no error code, as 3.1 asks.
 */
public final class BearerTokenScheme implements ProxyCredentialScheme {
    private final TokenStore tokens;

    public BearerTokenScheme(TokenStore tokens) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public String name() {
        return "Bearer";
    }

    @Override
    public Verdict verify(String credentials, RequestHead request) {
        String token = credentials.strip();
        if (TokenStore.isValidToken(token) && tokens.matches(token)) {
            return Verdict.accepted("token", TokenStore.hash(token).substring(0, 16));
        }
        return Verdict.refused("invalid-token");
    }

    @Override
    public String challenge(String realm, boolean invalid) {
        return "Bearer realm=\"" + realm + '"' + (invalid ? ", error=\"invalid_token\"" : "");
    }
}
