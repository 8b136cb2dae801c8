package dev.ferry.bridge.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A scheme beside bearer tokens, as a Privacy Pass scheme would be added: its credentials admit, its challenge
 * follows the bearer one, a refusal marks its own challenge, and bearer tokens keep working.
 */
class ProxyCredentialSchemeTest {
    private static final String TOKEN = "bearer-token-1";

    /** Accepts "PrivateToken token=good" and links nothing: no credential digest. */
    private static final ProxyCredentialScheme PRIVATE_TOKEN = new ProxyCredentialScheme() {
        @Override
        public String name() {
            return "PrivateToken";
        }

        @Override
        public Verdict verify(String credentials, RequestHead request) {
            return credentials.equals("token=good") ? Verdict.accepted("private-token", null)
                    : Verdict.refused("invalid-private-token");
        }

        @Override
        public String challenge(String realm, boolean invalid) {
            return "PrivateToken challenge=\"abc\", token-key=\"k\"" + (invalid ? ", error=\"invalid\"" : "");
        }
    };

    private static final ProxyAuthHook HOOK = ProxyAuthHook.builder()
            .tokens(TokenStore.ofSha256Hex(List.of(TokenStore.hash(TOKEN)))).scheme(PRIVATE_TOKEN).build();

    @Test
    void theAddedSchemeAdmitsWithoutLinkingTheClient() {
        ExchangeContext ctx = ProxyAuthHookTest.ctx();
        HookDecision d = HOOK.onRequest(ctx, ProxyAuthHookTest.connectUdp("proxy-authorization",
                "privatetoken token=good"));
        assertInstanceOf(HookDecision.Proceed.class, d);
        assertEquals("private-token", ctx.get(ProxyAuthHook.AUTH_RESULT));
        assertEquals(null, ctx.get(ProxyAuthHook.CREDENTIAL));
    }

    @Test
    void missingCredentialsAreChallengedByEveryScheme() {
        HookDecision.Respond r = assertInstanceOf(HookDecision.Respond.class,
                HOOK.onRequest(ProxyAuthHookTest.ctx(), ProxyAuthHookTest.connectUdp()));
        assertEquals(List.of("Bearer realm=\"ferry\"", "PrivateToken challenge=\"abc\", token-key=\"k\""),
                r.head().headers().getAll("proxy-authenticate"));
    }

    @Test
    void aRefusedCredentialMarksItsOwnSchemesChallenge() {
        ExchangeContext ctx = ProxyAuthHookTest.ctx();
        HookDecision.Respond r = assertInstanceOf(HookDecision.Respond.class, HOOK.onRequest(ctx,
                ProxyAuthHookTest.connectUdp("proxy-authorization", "PrivateToken token=forged")));
        assertEquals(List.of("Bearer realm=\"ferry\"", "PrivateToken challenge=\"abc\", token-key=\"k\", error=\"invalid\""),
                r.head().headers().getAll("proxy-authenticate"));
        assertEquals("invalid-private-token", ctx.get(ProxyAuthHook.AUTH_RESULT));
    }

    @Test
    void bearerTokensStillWork() {
        ExchangeContext ctx = ProxyAuthHookTest.ctx();
        assertInstanceOf(HookDecision.Proceed.class, HOOK.onRequest(ctx,
                ProxyAuthHookTest.connectUdp("proxy-authorization", "Bearer " + TOKEN)));
        assertEquals("token", ctx.get(ProxyAuthHook.AUTH_RESULT));
    }

    @Test
    void aSchemeNameCannotBeTakenTwice() {
        assertThrows(IllegalArgumentException.class, () -> ProxyAuthHook.builder().scheme(PRIVATE_TOKEN)
                .scheme(PRIVATE_TOKEN));
        ProxyCredentialScheme bearer = new BearerTokenScheme(TokenStore.empty());
        assertThrows(IllegalArgumentException.class, () -> ProxyAuthHook.builder().scheme(bearer));
    }
}
