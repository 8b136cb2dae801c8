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
import java.util.ArrayList;
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
 * <p><b>Credentials</b> in {@code Proxy-Authorization} (RFC 9110 11.7.2), judged by the scheme they name:
 * {@link BearerTokenScheme} (tokens of a {@link TokenStore}) built in, others added with {@link Builder#scheme}
 * ({@link ProxyCredentialScheme} is the seam for Privacy Pass tokens). A value of a scheme the relay does not know
 * counts as no credentials.
 *
 * <p><b>Refusal</b>: a local 407 (RFC 9110 15.5.8) with one {@code Proxy-Authenticate} challenge per scheme,
 * {@code Bearer realm="..."} first; after a refused credential, that scheme's challenge says so
 * ({@code error="invalid_token"} for bearer tokens, RFC 6750 3.1). The response also carries {@code Proxy-Status} with
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

    private final List<ProxyCredentialScheme> schemes;
    private final String realm;
    private final String proxyName;
    private final Predicate<RequestHead> requireFor;

    private ProxyAuthHook(Builder b) {
        List<ProxyCredentialScheme> all = new ArrayList<>();
        all.add(new BearerTokenScheme(b.tokens));
        all.addAll(b.schemes);
        this.schemes = List.copyOf(all);
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
        String value = values.get(0).strip();
        int space = value.indexOf(' ');
        String name = space < 0 ? value : value.substring(0, space);
        ProxyCredentialScheme scheme = scheme(name);
        if (values.size() > 1) {
            // Several credentials at once: which one would be meant cannot be known, so none is taken.
            ctx.set(AUTH_RESULT, "invalid-token");
            return challenge(scheme != null ? scheme : schemes.get(0));
        }
        if (scheme == null) {
            // A scheme this relay does not take (Basic, ...): no credentials it can judge were presented.
            ctx.set(AUTH_RESULT, "missing");
            return challenge(null);
        }
        ProxyCredentialScheme.Verdict verdict = scheme.verify(space < 0 ? "" : value.substring(space + 1),
                clientRequest);
        ctx.set(AUTH_RESULT, verdict.result());
        if (verdict.accepted()) {
            if (verdict.credential() != null) {
                ctx.set(CREDENTIAL, verdict.credential());
            }
            return HookDecision.proceed();
        }
        return challenge(scheme);
    }

    private ProxyCredentialScheme scheme(String name) {
        for (ProxyCredentialScheme scheme : schemes) {
            if (scheme.name().equalsIgnoreCase(name)) {
                return scheme;
            }
        }
        return null;
    }

    @Override
    public void onOriginRequest(ExchangeContext ctx, RequestHead.Builder originRequest) {
        originRequest.headers().remove(HEADER);
    }

    /** The 407, one challenge per scheme; {@code refusedBy} (or null) is the scheme whose credential was refused. */
    private HookDecision challenge(ProxyCredentialScheme refusedBy) {
        byte[] body = "407 proxy authentication required\n".getBytes(StandardCharsets.UTF_8);
        ResponseHead.Builder head = ResponseHead.builder(407);
        for (ProxyCredentialScheme scheme : schemes) {
            head.headers().add("proxy-authenticate", scheme.challenge(realm, scheme == refusedBy));
        }
        head.headers().set(ProxyStatusField.NAME, ProxyStatusField.format(proxyName,
                ProxyErrorType.HTTP_REQUEST_DENIED, "proxy authentication required"));
        head.headers().set("content-type", "text/plain; charset=utf-8");
        head.headers().set("content-length", Integer.toString(body.length));
        head.headers().set("cache-control", "no-store");
        return HookDecision.respond(head.build(), body);
    }

    /** Builds a {@link ProxyAuthHook}. */
    public static final class Builder {
        private TokenStore tokens = TokenStore.empty();
        private final List<ProxyCredentialScheme> schemes = new ArrayList<>();
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

        /**
         * One more credential scheme beside bearer tokens, challenged after them; its name must differ from every
         * other scheme's.
         */
        public Builder scheme(ProxyCredentialScheme scheme) {
            Objects.requireNonNull(scheme, "scheme");
            if (scheme.name().equalsIgnoreCase("bearer")
                    || schemes.stream().anyMatch(s -> s.name().equalsIgnoreCase(scheme.name()))) {
                throw new IllegalArgumentException("scheme: " + scheme.name() + " is already taken");
            }
            schemes.add(scheme);
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
