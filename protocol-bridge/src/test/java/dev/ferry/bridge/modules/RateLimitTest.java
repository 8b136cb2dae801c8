package dev.ferry.bridge.modules;

import static dev.ferry.bridge.modules.ModuleRequests.answered;
import static dev.ferry.bridge.modules.ModuleRequests.from;
import static dev.ferry.bridge.modules.ModuleRequests.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.builtin.ProxyAuthHook;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.ProxyHook;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private ProxyHook limiter(double rate, int burst, String key, int maxKeys) {
        return new RateLimitFactory(now::get).create(new RateLimitFactory.Config(rate, burst, key, maxKeys));
    }

    private static boolean allowed(ProxyHook hook, ExchangeContext ctx) {
        return hook.onRequest(ctx, get("/")) instanceof HookDecision.Proceed;
    }

    @Test
    void holdsTheRateWithinTenPercentUnderFiveTimesTheLoadAndSays429WithRetryAfter() {
        ProxyHook hook = limiter(100, 10, "client-address", 1000);
        ExchangeContext ctx = from("192.0.2.7");
        int allowed = 0;
        int refused = 0;
        // 10 s of 500 requests per second, one every 2 ms.
        for (int i = 0; i < 5_000; i++) {
            now.addAndGet(2_000_000L);
            HookDecision d = hook.onRequest(ctx, get("/"));
            if (d instanceof HookDecision.Proceed) {
                allowed++;
            } else {
                HookDecision.Respond answer = answered(d);
                assertEquals(429, answer.head().status());
                long retry = Long.parseLong(answer.head().headers().get("retry-after"));
                assertTrue(retry >= 1, "Retry-After " + retry);
                refused++;
            }
        }
        double expected = 100 * 10 + 10;
        assertTrue(Math.abs(allowed - expected) <= expected * 0.10, "allowed " + allowed + " of ~" + expected);
        assertEquals(5_000, allowed + refused);
    }

    @Test
    void holdsUnderConcurrentEventLoops() throws Exception {
        ProxyHook hook = new RateLimitFactory().create(new RateLimitFactory.Config(1e-9, 1000, "client-address",
                10));
        ExchangeContext ctx = from("192.0.2.8");
        AtomicInteger allowed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    if (allowed(hook, ctx)) {
                        allowed.incrementAndGet();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(1000, allowed.get(), "exactly the burst, however the threads interleave");
    }

    @Test
    void aRetryAfterSaysWhenTheNextTokenComes() {
        ProxyHook hook = limiter(0.2, 1, "client-address", 10);
        ExchangeContext ctx = from("192.0.2.9");
        assertTrue(allowed(hook, ctx));
        assertEquals("5", answered(hook.onRequest(ctx, get("/"))).head().headers().get("retry-after"));
        now.addAndGet(4_000_000_000L);
        assertEquals("1", answered(hook.onRequest(ctx, get("/"))).head().headers().get("retry-after"));
        now.addAndGet(1_000_000_000L);
        assertTrue(allowed(hook, ctx));
    }

    @Test
    void countsEachAddressApartOrEachCredential() {
        ProxyHook byAddress = limiter(1, 1, "client-address", 10);
        assertTrue(allowed(byAddress, from("192.0.2.1")));
        assertTrue(allowed(byAddress, from("192.0.2.2")));
        ProxyHook byCredential = limiter(1, 1, "credential", 10);
        ExchangeContext alice1 = from("192.0.2.1");
        alice1.set(ProxyAuthHook.CREDENTIAL, "alice");
        ExchangeContext alice2 = from("198.51.100.1");
        alice2.set(ProxyAuthHook.CREDENTIAL, "alice");
        assertTrue(allowed(byCredential, alice1));
        assertInstanceOf(HookDecision.Respond.class, byCredential.onRequest(alice2, get("/")),
                "the same credential from another address shares its bucket");
        assertTrue(allowed(byCredential, from("203.0.113.1")), "no credential: limited by address");
    }

    @Test
    void boundsItsMemoryAndLimitsTheOverflowTogether() {
        ProxyHook hook = limiter(1, 1, "client-address", 3);
        for (int i = 1; i <= 3; i++) {
            assertTrue(allowed(hook, from("10.0.0." + i)));
        }
        assertTrue(allowed(hook, from("10.0.1.1")), "the shared overflow bucket has its burst");
        assertInstanceOf(HookDecision.Respond.class, hook.onRequest(from("10.0.1.2"), get("/")),
                "a flood of new keys is limited together");
        now.addAndGet(5_000_000_000L);
        assertTrue(allowed(hook, from("10.0.1.3")), "idle full buckets make room again");
    }

    @Test
    void refusesSettingsThatCannotWork() {
        RateLimitFactory factory = new RateLimitFactory();
        assertEquals("rate: 0.0 (expected: more than 0 per second)", assertThrows(IllegalArgumentException.class,
                () -> factory.create(new RateLimitFactory.Config(0, 1, "client-address", 1))).getMessage());
        assertEquals("key: token (expected: client-address or credential)", assertThrows(
                IllegalArgumentException.class,
                () -> factory.create(new RateLimitFactory.Config(1, 1, "token", 1))).getMessage());
    }
}
