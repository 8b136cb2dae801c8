package dev.ferry.bridge.builtin;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.exchange.ResponseHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProxyAuthHookTest {
    private static final String TOKEN = "mF_9.B5f-4.1JqM";
    private static final ProxyAuthHook HOOK =
            ProxyAuthHook.create(TokenStore.ofSha256Hex(List.of(TokenStore.hash("other"), TokenStore.hash(TOKEN))));

    static ExchangeContext ctx() {
        return new ExchangeContext(1, new InetSocketAddress("192.0.2.7", 50000), "3", 0);
    }

    static RequestHead connectUdp(String... headers) {
        RequestHead.Builder b = RequestHead.builder().method("CONNECT").protocol("connect-udp").scheme("https")
                .authority("relay.example:443").path("/.well-known/masque/udp/1.1.1.1/443/");
        for (int i = 0; i < headers.length; i += 2) {
            b.headers().add(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    static RequestHead connect(String... headers) {
        RequestHead.Builder b = RequestHead.builder().method("CONNECT").authority("origin.example:443");
        for (int i = 0; i < headers.length; i += 2) {
            b.headers().add(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    static RequestHead get(String... headers) {
        RequestHead.Builder b = RequestHead.builder().method("GET").scheme("https").authority("origin.example")
                .path("/");
        for (int i = 0; i < headers.length; i += 2) {
            b.headers().add(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    static HookDecision.Respond assert407(HookDecision d, String challenge) {
        HookDecision.Respond r = assertInstanceOf(HookDecision.Respond.class, d);
        ResponseHead h = r.head();
        assertEquals(407, h.status());
        assertEquals(challenge, h.headers().get("proxy-authenticate"));
        assertEquals("ferry; error=http_request_denied; details=\"proxy authentication required\"",
                h.headers().get("proxy-status"));
        assertEquals("407 proxy authentication required\n", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(Integer.toString(r.body().length), h.headers().get("content-length"));
        assertEquals("no-store", h.headers().get("cache-control"));
        return r;
    }

    @Test
    void missingCredentialsGet407WithChallenge() {
        ExchangeContext ctx = ctx();
        assert407(HOOK.onRequest(ctx, connectUdp()), "Bearer realm=\"ferry\"");
        assertEquals("missing", ctx.get(ProxyAuthHook.AUTH_RESULT));
        assert407(HOOK.onRequest(ctx(), connect()), "Bearer realm=\"ferry\"");
    }

    @Test
    void otherSchemeCountsAsMissing() {
        ExchangeContext ctx = ctx();
        assert407(HOOK.onRequest(ctx, connect("proxy-authorization", "Basic Zm9vOmJhcg==")),
                "Bearer realm=\"ferry\"");
        assertEquals("missing", ctx.get(ProxyAuthHook.AUTH_RESULT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer wrong", "Bearer " + TOKEN + "x", "Bearer", "Bearer ", "Bearer a b",
            "Bearer " + TOKEN + " extra", "bearer tok\"en"})
    void wrongOrMalformedTokenGets407InvalidToken(String value) {
        ExchangeContext ctx = ctx();
        assert407(HOOK.onRequest(ctx, connectUdp("proxy-authorization", value)),
                "Bearer realm=\"ferry\", error=\"invalid_token\"");
        assertEquals("invalid-token", ctx.get(ProxyAuthHook.AUTH_RESULT));
    }

    @Test
    void twoAuthorizationFieldsAreRefused() {
        assert407(HOOK.onRequest(ctx(), connect("proxy-authorization", "Bearer " + TOKEN,
                "proxy-authorization", "Bearer wrong")), "Bearer realm=\"ferry\", error=\"invalid_token\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer " + TOKEN, "bearer " + TOKEN, "BEARER  " + TOKEN + " "})
    void rightTokenProceedsAndIsStrippedFromOriginRequest(String value) {
        ExchangeContext ctx = ctx();
        RequestHead request = connectUdp("proxy-authorization", value, "capsule-protocol", "?1");
        assertSame(HookDecision.proceed(), HOOK.onRequest(ctx, request));
        assertEquals("token", ctx.get(ProxyAuthHook.AUTH_RESULT));

        RequestHead.Builder origin = request.toBuilder();
        HOOK.onOriginRequest(ctx, origin);
        assertFalse(origin.headers().contains("proxy-authorization"));
        assertEquals("?1", origin.headers().get("capsule-protocol"));
    }

    @Test
    void verifiedClientCertificateProceeds() {
        ExchangeContext ctx = ctx();
        ctx.set(ProxyAuthHook.CLIENT_CERTIFICATES, new X509Certificate[1]);
        assertSame(HookDecision.proceed(), HOOK.onRequest(ctx, connect()));
        assertEquals("certificate", ctx.get(ProxyAuthHook.AUTH_RESULT));

        ExchangeContext withWrongToken = ctx();
        withWrongToken.set(ProxyAuthHook.CLIENT_CERTIFICATES, new X509Certificate[1]);
        assertSame(HookDecision.proceed(),
                HOOK.onRequest(withWrongToken, connect("proxy-authorization", "Bearer wrong")));
    }

    @Test
    void emptyCertificateChainDoesNotCount() {
        ExchangeContext ctx = ctx();
        ctx.set(ProxyAuthHook.CLIENT_CERTIFICATES, new X509Certificate[0]);
        assert407(HOOK.onRequest(ctx, connect()), "Bearer realm=\"ferry\"");
    }

    @Test
    void plainRequestsPassWithoutCredentialsButLoseTheHeader() {
        ExchangeContext ctx = ctx();
        RequestHead request = get("proxy-authorization", "Bearer " + TOKEN);
        assertSame(HookDecision.proceed(), HOOK.onRequest(ctx, get()));
        assertSame(HookDecision.proceed(), HOOK.onRequest(ctx, request));
        assertNull(ctx.get(ProxyAuthHook.AUTH_RESULT));
        RequestHead.Builder origin = request.toBuilder();
        HOOK.onOriginRequest(ctx, origin);
        assertFalse(origin.headers().contains("proxy-authorization"));
    }

    @Test
    void forAllRequestsCoversPlainRequests() {
        ProxyAuthHook all = ProxyAuthHook.builder().tokens(TokenStore.ofSha256Hex(List.of(TokenStore.hash(TOKEN))))
                .realm("relay one").proxyName("edge").forAllRequests(true).build();
        HookDecision.Respond r = assertInstanceOf(HookDecision.Respond.class, all.onRequest(ctx(), get()));
        assertEquals("Bearer realm=\"relay one\"", r.head().headers().get("proxy-authenticate"));
        assertEquals("edge; error=http_request_denied; details=\"proxy authentication required\"",
                r.head().headers().get("proxy-status"));
        assertSame(HookDecision.proceed(), all.onRequest(ctx(), get("proxy-authorization", "Bearer " + TOKEN)));
    }

    @Test
    void requireForChoosesRequests() {
        ProxyAuthHook udpOnly = ProxyAuthHook.builder().tokens(TokenStore.empty())
                .requireFor(r -> "connect-udp".equals(r.protocol())).build();
        assertSame(HookDecision.proceed(), udpOnly.onRequest(ctx(), connect()));
        assert407(udpOnly.onRequest(ctx(), connectUdp("proxy-authorization", "Bearer " + TOKEN)),
                "Bearer realm=\"ferry\", error=\"invalid_token\"");
    }

    @Test
    void realmMustFitAQuotedString() {
        assertThrows(IllegalArgumentException.class, () -> ProxyAuthHook.builder().realm("a\"b"));
        assertThrows(IllegalArgumentException.class, () -> ProxyAuthHook.builder().realm("a\nb"));
    }
}
