package dev.ferry.app.server;

import dev.ferry.app.config.ListenerConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listeners on reload, matched by name: added ones bind, removed ones drain, changed ones refuse the reload. */
class ListenerChangesTest {
    private static ListenerConfig listener(String name, int port) {
        ListenerConfig d = ListenerConfig.defaults();
        return new ListenerConfig(name, new InetSocketAddress("127.0.0.1", port), d.tls(), d.quic(), d.tcp());
    }

    private static BoundListener running(ListenerConfig config) {
        return new BoundListener(config, null, null);
    }

    @Test
    void theSameListenersChangeNothing() {
        ListenerChanges c = ListenerChanges.plan(List.of(running(listener("a", 1000))), List.of(listener("a", 1000)));
        assertTrue(c.none());
        assertTrue(c.problems().isEmpty());
    }

    @Test
    void aNewNameBindsAndAMissingOneDrains() {
        BoundListener a = running(listener("a", 1000));
        ListenerChanges c = ListenerChanges.plan(List.of(a), List.of(listener("b", 2000)));
        assertEquals(List.of(listener("b", 2000)), c.added());
        assertEquals(List.of(a), c.removed());
        assertTrue(c.problems().isEmpty());
    }

    @Test
    void aListenerChangedInPlaceIsRefusedByName() {
        ListenerChanges c = ListenerChanges.plan(List.of(running(listener("a", 1000))), List.of(listener("a", 1001)));
        assertEquals(1, c.problems().size());
        assertTrue(c.problems().get(0).startsWith("listeners.a: changed"), c.problems().get(0));
    }
}
