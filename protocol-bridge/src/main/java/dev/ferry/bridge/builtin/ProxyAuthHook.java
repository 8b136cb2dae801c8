package dev.ferry.bridge.builtin;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyStatusField;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.exchange.ResponseHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.ProxyHook;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Proxy authentication, so that a relay is not open to anyone who finds it: by default every tunnel (CONNECT and
 * extended CONNECT, RFC 9114 4.4, RFC 9220) must present either a client certificate or a bearer token; plain
 * requests pass untouched unless {@link Builder#forAllRequests} says otherwise.
 *
 * <p><b>Client certificates.</b> The ingress puts the peer's certificate chain under {@link #CLIENT_CERTIFICATES}
 * when, and only when, the TLS handshake verified it against the configured client CA. Its presence is taken as
 * proof; this hook does no certificate checks of its own. An ingress that accepts unverified certificates must not
 * set the attribute.
 *
 * <p><b>Bearer tokens</b> in {@code Proxy-Authorization: Bearer <token>} (RFC 9110 11.7.2, token syntax of
 * RFC 6750 2.1), compared against the SHA-256 hashes of a {@link TokenStore} in constant time.
 *
 * <p><b>Refusal</b>: a local 407 (RFC 9110 15.5.8) with {@code Proxy-Authenticate: Bearer realm="..."}; after a
 * wrong or malformed bearer token the challenge adds {@code error="invalid_token"} (RFC 6750 3.1), after missing
 * credentials it carries no error code, as RFC 6750 3.1 asks. The response also carries {@code Proxy-Status} with
 * {@code error=http_request_denied}: RFC 9209 has no authentication type, and 2.3.13 ("rejected the HTTP request
 * based on its configuration and/or policy settings ... wasn't forwarded") is exactly what happened. The driver
 * stops at a respond decision, so no tunnel is opened and no origin contacted.
 *
 * <p><b>Stripping.</b> {@code Proxy-Authorization} is removed from every origin request: credentials meant for this
 * proxy must not travel on (RFC 9110 11.7.1; chained proxies that share credentials are not supported).
 *
 * <p>{@link #AUTH_RESULT} records a log-safe outcome that never contains the credential.
 */
public final class ProxyAuthHook implements ProxyHook {
    /**
     * The verified client certificate chain, peer first; set by the ingress only after TLS verified it. The same
     * key as {@link ExchangeContext#CLIENT_CERTIFICATES} (keys compare by identity, so a second key would never
     * be set by the driver).
     */
    public static final ExchangeContext.AttributeKey<X509Certificate[]> CLIENT_CERTIFICATES =
            ExchangeContext.CLIENT_CERTIFICATES;
    /**
     * How authentication went, safe for logs: "certificate", "token", "missing", "invalid-token"; absent when
     * the request needed none.
     */
    public static final ExchangeContext.AttributeKey<String> AUTH_RESULT =
            ExchangeContext.AttributeKey.of("ferry.proxy-auth");
    /**
     * Who authenticated, as a stable digest that reveals nothing: the first 16 hex digits of the SHA-256 of the
     * token, or of the client certificate's DER encoding. What a per-credential rate limit counts by.
     */
    public static final ExchangeContext.AttributeKey<String> CREDENTIAL =
            ExchangeContext.AttributeKey.of("ferry.proxy-auth.credential");

    private static final String HEADER = "proxy-authorization";

    private final TokenStore tokens;
    private final String realm;
    private final String proxyName;
    private final Predicate<RequestHead> requireFor;

    private ProxyAuthHook(Builder b) {
        this.tokens = b.tokens;
        this.realm = b.realm;
        this.proxyName = b.proxyName;
        this.requireFor = b.requireFor;
    }

    /** Tunnels need a token from {@code tokens} or a verified client certificate; realm and proxy name "ferry". */
    public static ProxyAuthHook create(TokenStore tokens) {
        return builder().tokens(tokens).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public HookDecision onRequest(ExchangeContext ctx, RequestHead clientRequest) {
        if (!requireFor.test(clientRequest)) {
            return HookDecision.proceed();
        }
        X509Certificate[] chain = ctx.get(CLIENT_CERTIFICATES);
        if (chain != null && chain.length > 0) {
            ctx.set(AUTH_RESULT, "certificate");
            ctx.set(CREDENTIAL, certificateDigest(chain[0]));
            return HookDecision.proceed();
        }
        List<String> values = clientRequest.headers().getAll(HEADER);
        if (values.isEmpty()) {
            ctx.set(AUTH_RESULT, "missing");
            return challenge(null);
        }
        String token = values.size() == 1 ? bearerToken(values.get(0)) : null;
        if (values.size() == 1 && token == null && !isBearer(values.get(0))) {
            // Another scheme (Basic, ...): no bearer credentials were presented.
            ctx.set(AUTH_RESULT, "missing");
            return challenge(null);
        }
        if (token != null && tokens.matches(token)) {
            ctx.set(AUTH_RESULT, "token");
            ctx.set(CREDENTIAL, TokenStore.hash(token).substring(0, 16));
            return HookDecision.proceed();
        }
        ctx.set(AUTH_RESULT, "invalid-token");
        return challenge("invalid_token");
    }

    @Override
    public void onOriginRequest(ExchangeContext ctx, RequestHead.Builder originRequest) {
        originRequest.headers().remove(HEADER);
    }

    private HookDecision challenge(String error) {
        byte[] body = "407 proxy authentication required\n".getBytes(StandardCharsets.UTF_8);
        ResponseHead.Builder head = ResponseHead.builder(407);
        String challenge = "Bearer realm=\"" + realm + '"' + (error == null ? "" : ", error=\"" + error + '"');
        head.headers().set("proxy-authenticate", challenge);
        head.headers().set(ProxyStatusField.NAME, ProxyStatusField.format(proxyName,
                ProxyErrorType.HTTP_REQUEST_DENIED, "proxy authentication required"));
        head.headers().set("content-type", "text/plain; charset=utf-8");
        head.headers().set("content-length", Integer.toString(body.length));
        head.headers().set("cache-control", "no-store");
        return HookDecision.respond(head.build(), body);
    }

    /** The token of "Bearer <token>" (scheme case-insensitive, RFC 9110 11.1), or null if it is not that. */
    static String bearerToken(String value) {
        String v = value.strip();
        int sp = v.indexOf(' ');
        if (sp < 0 || !v.substring(0, sp).equalsIgnoreCase("bearer")) {
            return null;
        }
        String token = v.substring(sp + 1).strip();
        return TokenStore.isValidToken(token) ? token : null;
    }

    private static boolean isBearer(String value) {
        String v = value.strip();
        return v.regionMatches(true, 0, "bearer", 0, 6) && (v.length() == 6 || v.charAt(6) == ' ');
    }

    /** Builds a {@link ProxyAuthHook}. */
    public static final class Builder {
        private TokenStore tokens = TokenStore.empty();
        private String realm = "ferry";
        private String proxyName = "ferry";
        private Predicate<RequestHead> requireFor = RequestHead::isConnect;

        private Builder() {
        }

        /** The accepted bearer tokens; empty by default, leaving client certificates as the only way in. */
        public Builder tokens(TokenStore tokens) {
            this.tokens = Objects.requireNonNull(tokens, "tokens");
            return this;
        }

        /** The realm in the challenge (RFC 9110 11.5); a quoted-string, so no '"' or '\'. Default "ferry". */
        public Builder realm(String realm) {
            Objects.requireNonNull(realm, "realm");
            if (!realm.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')) {
                throw new IllegalArgumentException(
                        "realm: '" + realm + "' (expected: printable ASCII, no '\"' or '\\')");
            }
            this.realm = realm;
            return this;
        }

        /** The name written first in {@code Proxy-Status}; default "ferry". */
        public Builder proxyName(String proxyName) {
            this.proxyName = Objects.requireNonNull(proxyName, "proxyName");
            return this;
        }

        /** Which requests must authenticate; default {@link RequestHead#isConnect()}, i.e. tunnels. */
        public Builder requireFor(Predicate<RequestHead> requireFor) {
            this.requireFor = Objects.requireNonNull(requireFor, "requireFor");
            return this;
        }

        /** True: every request must authenticate; false: only tunnels (the default). */
        public Builder forAllRequests(boolean all) {
            this.requireFor = all ? r -> true : RequestHead::isConnect;
            return this;
        }

        public ProxyAuthHook build() {
            return new ProxyAuthHook(this);
        }
    }

    private static String certificateDigest(X509Certificate leaf) {
        if (leaf == null) {
            return "certificate";
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded());
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.GeneralSecurityException e) {
            return "certificate";
        }
    }
}
