package dev.ferry.interop.tunnel;

import dev.ferry.app.config.TunnelsConfig;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.bridge.tunnel.TunnelCounters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Relays with tunnels on, for the tests of this package. */
final class TunnelRelays {
    private TunnelRelays() {
    }

    /** An HTTP/1.1 origin nobody listens on: tunnels never reach it, but a relay needs one. */
    static final InetSocketAddress UNUSED_ORIGIN = new InetSocketAddress("127.0.0.1", 9);

    static TunnelsConfig tunnels(TunnelsConfig.EgressConfig egress, TunnelsConfig.AuthConfig auth,
                                 Map<String, List<InetAddress>> hosts) {
        return new TunnelsConfig(true, true, true, TunnelsConfig.DEFAULT_URI_TEMPLATE, Duration.ofMinutes(2),
                Duration.ofSeconds(10), egress, auth, hosts);
    }

    /** No credentials needed. */
    static TunnelsConfig.AuthConfig open() {
        return new TunnelsConfig.AuthConfig(false, List.of(), null);
    }

    /** The built-in forbidden ranges plus an allow list, default ports. */
    static TunnelsConfig.EgressConfig allowing(String... cidrs) {
        return new TunnelsConfig.EgressConfig(List.of(cidrs), List.of(), "53,80,443,853,1024-65535");
    }

    static FerryRelay start(Path stateDir, TunnelsConfig tunnels) throws InterruptedException {
        return FerryRelay.builder(stateDir).origin(FerryRelay.h1("builtin", UNUSED_ORIGIN)).tunnels(tunnels).start();
    }

    /** Waits up to 10 s for the relay's totals (summed as tunnels end) to satisfy {@code done}. */
    static TunnelCounters awaitTotals(FerryRelay relay, Predicate<TunnelCounters> done) throws InterruptedException {
        return relay.awaitTunnelTotals(done);
    }
}
