package dev.ferry.examples.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.TunnelTarget;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NextHopSelectorTest {
    private static final List<String> HOPS = List.of("hop-a.test:443", "hop-b.test:443", "hop-c.test:443");
    private static final TunnelTarget EGRESS = new TunnelTarget(TunnelTarget.Kind.UDP, "egress.relay.test", 443);

    private static ProxyHook selector(String forTarget, List<String> hops) {
        return new NextHopSelectorFactory().create(new NextHopConfig(forTarget, hops));
    }

    private static ExchangeContext client(String address, int port) {
        return new ExchangeContext(1, new InetSocketAddress(address, port), "3", System.nanoTime());
    }

    private static String clientNumber(int i) {
        return "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
    }

    @Test
    void theSameClientKeepsItsHopWhateverItsPort() {
        ProxyHook hook = selector("egress.relay.test:443", HOPS);
        TunnelTarget first = hook.selectTunnelTarget(client("198.51.100.9", 50000), EGRESS);
        assertEquals(TunnelTarget.Kind.UDP, first.kind());
        assertTrue(HOPS.contains(first.authority()), first.toString());
        for (int port = 40000; port < 40010; port++) {
            assertEquals(first, hook.selectTunnelTarget(client("198.51.100.9", port), EGRESS));
        }
    }

    @Test
    void otherTargetsPassUnchanged() {
        TunnelTarget other = new TunnelTarget(TunnelTarget.Kind.TCP, "example.test", 443);
        assertSame(other, selector("egress.relay.test:443", HOPS).selectTunnelTarget(client("192.0.2.1", 1), other));
    }

    @Test
    void clientsSpreadEvenlyAndALeavingHopMovesOnlyItsOwn() {
        ProxyHook three = selector("*", HOPS);
        ProxyHook two = selector("*", HOPS.subList(0, 2));
        Map<String, Integer> counts = new HashMap<>();
        int moved = 0;
        int clients = 3000;
        for (int i = 0; i < clients; i++) {
            ExchangeContext ctx = client(clientNumber(i), 1);
            String before = three.selectTunnelTarget(ctx, EGRESS).authority();
            String after = two.selectTunnelTarget(ctx, EGRESS).authority();
            counts.merge(before, 1, Integer::sum);
            if (!before.equals(after)) {
                moved++;
                assertEquals("hop-c.test:443", before, "only hop c's clients may move");
            }
        }
        for (String hop : HOPS) {
            int n = counts.getOrDefault(hop, 0);
            assertTrue(Math.abs(n - clients / 3) < clients / 3 * 0.15, hop + " got " + n + " of " + clients);
        }
        assertEquals(counts.get("hop-c.test:443"), moved);
    }

    @Test
    void theFactoryNamesTheBadKey() {
        NextHopSelectorFactory factory = new NextHopSelectorFactory();
        assertEquals("next-hops: at least one host:port is needed", assertThrows(IllegalArgumentException.class,
                () -> factory.create(NextHopConfig.defaults())).getMessage());
        assertEquals("next-hops: no port in hop-a.test", assertThrows(IllegalArgumentException.class,
                () -> factory.create(new NextHopConfig("*", List.of("hop-a.test")))).getMessage());
        assertEquals("for-target: bad port in egress:x", assertThrows(IllegalArgumentException.class,
                () -> factory.create(new NextHopConfig("egress:x", HOPS))).getMessage());
    }
}
