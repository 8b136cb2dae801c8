package dev.ferry.examples.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.ProxyHook;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HttpFirewallTest {
    private static final ExchangeContext FROM_DOC_NET = context("192.0.2.7");

    private static ExchangeContext context(String address) {
        return new ExchangeContext(1, new InetSocketAddress(address, 40000), "3", System.nanoTime());
    }

    private static ProxyHook firewall(FirewallConfig config) {
        return new HttpFirewallFactory().create(config);
    }

    private static RequestHead request(String method, String path, String userAgent) {
        RequestHead.Builder b = RequestHead.builder().method(method).scheme("https").authority("app.test").path(path);
        if (userAgent != null) {
            b.headers().set("user-agent", userAgent);
        }
        return b.build();
    }

    private static ProxyException refused(ProxyHook hook, ExchangeContext ctx, RequestHead request) {
        ProxyException e = assertThrows(ProxyException.class, () -> hook.onRequest(ctx, request));
        assertEquals(ProxyErrorType.HTTP_REQUEST_DENIED, e.type());
        assertEquals(403, e.type().status());
        return e;
    }

    private static void passes(ProxyHook hook, ExchangeContext ctx, RequestHead request) {
        assertInstanceOf(HookDecision.Proceed.class, hook.onRequest(ctx, request));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin", "/admin/", "/admin/users", "/%61dmin", "//admin", "/x/../admin", "/%2e%2e/admin",
            "/ADMIN", "/Admin/x", "/admin?debug=1", "/./admin"})
    void refusesADeniedPathUnderEverySpelling(String path) {
        ProxyHook hook = firewall(new FirewallConfig(List.of("/admin"), true, List.of(), List.of(), List.of()));
        assertTrue(refused(hook, FROM_DOC_NET, request("GET", path, null)).getMessage().contains("path /admin"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/administrator", "/public/admin", "/admins", "/%2Fadmin"})
    void passesPathsThatOnlyLookAlike(String path) {
        ProxyHook hook = firewall(new FirewallConfig(List.of("/admin"), true, List.of(), List.of(), List.of()));
        passes(hook, FROM_DOC_NET, request("GET", path, null));
    }

    @Test
    void comparesCaseWhenAskedTo() {
        ProxyHook hook = firewall(new FirewallConfig(List.of("/admin"), false, List.of(), List.of(), List.of()));
        passes(hook, FROM_DOC_NET, request("GET", "/ADMIN", null));
        refused(hook, FROM_DOC_NET, request("GET", "/admin", null));
    }

    @Test
    void letsOnlyAllowedMethodsThrough() {
        ProxyHook hook = firewall(new FirewallConfig(List.of(), true, List.of("GET", "HEAD"), List.of(), List.of()));
        passes(hook, FROM_DOC_NET, request("HEAD", "/", null));
        assertTrue(refused(hook, FROM_DOC_NET, request("DELETE", "/", null)).getMessage().contains("DELETE"));
    }

    @Test
    void refusesClientNetworks() {
        ProxyHook hook = firewall(new FirewallConfig(List.of(), true, List.of(), List.of("192.0.2.0/24",
                "2001:db8::/32"), List.of()));
        refused(hook, FROM_DOC_NET, request("GET", "/", null));
        refused(hook, context("2001:db8::1"), request("GET", "/", null));
        passes(hook, context("198.51.100.1"), request("GET", "/", null));
    }

    @Test
    void refusesUserAgentsByWordWithoutCase() {
        ProxyHook hook = firewall(new FirewallConfig(List.of(), true, List.of(), List.of(), List.of("BadBot")));
        refused(hook, FROM_DOC_NET, request("GET", "/", "Mozilla/5.0 (compatible; badbot/2.1)"));
        passes(hook, FROM_DOC_NET, request("GET", "/", "curl/8.5"));
        passes(hook, FROM_DOC_NET, request("GET", "/", null));
    }

    @Test
    void theFactoryRefusesConfigurationsThatCannotWork() {
        HttpFirewallFactory factory = new HttpFirewallFactory();
        assertEquals("deny-paths: admin does not start with /", assertThrows(IllegalArgumentException.class,
                () -> factory.create(new FirewallConfig(List.of("admin"), true, List.of(), List.of(), List.of())))
                .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> factory.create(new FirewallConfig(List.of(),
                true, List.of(), List.of("10.0.0.0/99"), List.of()))).getMessage().startsWith("deny-networks: "));
    }
}
