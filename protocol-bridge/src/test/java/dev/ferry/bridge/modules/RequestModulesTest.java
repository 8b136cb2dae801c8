package dev.ferry.bridge.modules;

import static dev.ferry.bridge.modules.ModuleRequests.answered;
import static dev.ferry.bridge.modules.ModuleRequests.body;
import static dev.ferry.bridge.modules.ModuleRequests.from;
import static dev.ferry.bridge.modules.ModuleRequests.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.exchange.ResponseHead;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.ProxyHook;
import java.util.List;
import org.junit.jupiter.api.Test;

/** request-rules, header-rewrite, redirect and static-response, each without sockets. */
class RequestModulesTest {

    private static RequestRulesFactory.Rule rule(String action, List<String> methods, String prefix, String header,
                                                 String headerValue, List<String> networks) {
        return new RequestRulesFactory.Rule(action, methods, prefix, header, headerValue, networks, 503, "later");
    }

    @Test
    void theFirstMatchingRuleDecides() {
        ProxyHook rules = new RequestRulesFactory().create(new RequestRulesFactory.Config(List.of(
                rule("allow", List.of(), "/admin", null, null, List.of("10.0.0.0/8")),
                rule("deny", List.of(), "/admin", null, null, List.of()),
                rule("deny", List.of("TRACE"), null, null, null, List.of()),
                rule("respond", List.of(), "/maintenance", null, null, List.of()),
                rule("deny", List.of(), null, "x-debug", "1", List.of()))));
        assertInstanceOf(HookDecision.Proceed.class, rules.onRequest(from("10.1.2.3"), get("/admin/x")));
        ProxyException denied = assertThrows(ProxyException.class,
                () -> rules.onRequest(from("192.0.2.1"), get("/%61dmin")));
        assertEquals(ProxyErrorType.HTTP_REQUEST_DENIED, denied.type());
        RequestHead trace = RequestHead.builder().method("TRACE").scheme("https").authority("a").path("/").build();
        assertThrows(ProxyException.class, () -> rules.onRequest(from("192.0.2.1"), trace));
        HookDecision.Respond later = answered(rules.onRequest(from("192.0.2.1"), get("/maintenance")));
        assertEquals(503, later.head().status());
        assertEquals("later", body(later));
        assertThrows(ProxyException.class, () -> rules.onRequest(from("192.0.2.1"), get("/", "x-debug", "1")));
        assertInstanceOf(HookDecision.Proceed.class, rules.onRequest(from("192.0.2.1"), get("/", "x-debug", "0")));
        assertInstanceOf(HookDecision.Proceed.class, rules.onRequest(from("192.0.2.1"), get("/public")));
    }

    @Test
    void rulesThatCannotWorkAreRefusedWhenTheFileIsRead() {
        RequestRulesFactory factory = new RequestRulesFactory();
        assertEquals("rules.action: block (expected: allow, deny or respond)", assertThrows(
                IllegalArgumentException.class, () -> factory.create(new RequestRulesFactory.Config(List.of(
                        rule("block", List.of(), null, null, null, List.of()))))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> factory.create(new RequestRulesFactory.Config(
                List.of(rule("deny", List.of(), null, null, null, List.of("10/8")))))).getMessage()
                .startsWith("rules.networks: "));
    }

    @Test
    void headerRewriteEditsBothWaysInOrderAndRefusesManagedFields() {
        HeaderRewriteFactory factory = new HeaderRewriteFactory();
        ProxyHook rewrite = factory.create(new HeaderRewriteFactory.Config(
                List.of(new HeaderRewriteFactory.Edit("remove", "cookie", null),
                        new HeaderRewriteFactory.Edit("set", "x-team", "edge"),
                        new HeaderRewriteFactory.Edit("add", "x-team", "two")),
                List.of(new HeaderRewriteFactory.Edit("set", "strict-transport-security", "max-age=63072000"),
                        new HeaderRewriteFactory.Edit("remove", "server", null))));
        RequestHead.Builder request = get("/", "cookie", "a=1", "x-team", "client").toBuilder();
        rewrite.onOriginRequest(from("192.0.2.1"), request);
        assertEquals(List.of("edge", "two"), request.headers().getAll("x-team"));
        assertTrue(!request.headers().contains("cookie"));
        ResponseHead.Builder response = ResponseHead.builder(200);
        response.headers().set("server", "origin/1.0");
        rewrite.onResponse(from("192.0.2.1"), response);
        assertEquals("max-age=63072000", response.headers().get("strict-transport-security"));
        assertTrue(!response.headers().contains("server"));
        assertEquals("request.name: Transfer-Encoding is managed by the relay", assertThrows(
                IllegalArgumentException.class, () -> factory.create(new HeaderRewriteFactory.Config(List.of(
                        new HeaderRewriteFactory.Edit("set", "Transfer-Encoding", "chunked")), List.of())))
                .getMessage());
        assertThrows(IllegalArgumentException.class, () -> factory.create(new HeaderRewriteFactory.Config(List.of(
                new HeaderRewriteFactory.Edit("set", "x-a", "one\r\nx-b: two")), List.of())));
    }

    @Test
    void redirectKeepsTheRestOfThePathAndTheQuery() {
        ProxyHook redirect = new RedirectFactory().create(new RedirectFactory.Config(List.of(
                new RedirectFactory.Rule("/old", "https://new.example/", 308, true),
                new RedirectFactory.Rule("/gone", "/", 301, false))));
        HookDecision.Respond moved = answered(redirect.onRequest(from("192.0.2.1"), get("/old/a/b?x=1")));
        assertEquals(308, moved.head().status());
        assertEquals("https://new.example/a/b?x=1", moved.head().headers().get("location"));
        assertEquals("https://new.example/a", answered(redirect.onRequest(from("192.0.2.1"), get("/%6fld/a")))
                .head().headers().get("location"));
        HookDecision.Respond gone = answered(redirect.onRequest(from("192.0.2.1"), get("/gone/x?y")));
        assertEquals(301, gone.head().status());
        assertEquals("/", gone.head().headers().get("location"));
        assertInstanceOf(HookDecision.Proceed.class, redirect.onRequest(from("192.0.2.1"), get("/older")));
        assertEquals("rules.status: 200 (expected: 301, 302, 303, 307 or 308)", assertThrows(
                IllegalArgumentException.class, () -> new RedirectFactory().create(new RedirectFactory.Config(
                        List.of(new RedirectFactory.Rule("/a", "/b", 200, true))))).getMessage());
    }

    @Test
    void staticResponseAnswersWithItsStatusBodyAndFields() {
        ProxyHook healthz = new StaticResponseFactory().create(new StaticResponseFactory.Config(200, "ok\n",
                "text/plain", List.of(new StaticResponseFactory.Field("cache-control", "no-store"))));
        HookDecision.Respond answer = answered(healthz.onRequest(from("192.0.2.1"), get("/healthz")));
        assertEquals(200, answer.head().status());
        assertEquals("ok\n", body(answer));
        assertEquals("3", answer.head().headers().get("content-length"));
        assertEquals("no-store", answer.head().headers().get("cache-control"));
        assertThrows(IllegalArgumentException.class, () -> new StaticResponseFactory().create(
                new StaticResponseFactory.Config(200, "", "text/plain",
                        List.of(new StaticResponseFactory.Field("connection", "close")))));
        assertThrows(IllegalArgumentException.class, () -> new StaticResponseFactory().create(
                new StaticResponseFactory.Config(101, "", "text/plain", List.of())));
    }
}
