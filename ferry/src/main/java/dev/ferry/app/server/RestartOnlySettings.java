package dev.ferry.app.server;

import dev.ferry.app.config.FerryConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The settings a reload cannot change, because they live in what the relay bound or built at start: the SETTINGS
 * and TLS contexts of every listener, the event loops, the admin endpoint. (Listeners themselves may be added and
 * removed: {@link ListenerChanges}.) A reload that
 * changes one is refused as a whole, naming each key, and the running configuration stays.
 */
final class RestartOnlySettings {
    private RestartOnlySettings() {
    }

    /** One message per restart-only key that differs between {@code running} and {@code next}; empty if none. */
    static List<String> changes(FerryConfig running, FerryConfig next) {
        List<String> out = new ArrayList<>();
        check(out, running, next, "event-loops", FerryConfig::eventLoops);
        check(out, running, next, "state-dir", FerryConfig::stateDir);
        check(out, running, next, "admin", FerryConfig::admin);
        check(out, running, next, "warm-up", FerryConfig::warmUp);
        // Announced by every listener (SETTINGS_ENABLE_CONNECT_PROTOCOL, SETTINGS_H3_DATAGRAM, QUIC's
        // max_datagram_frame_size) or part of its TLS context (client certificates).
        check(out, running, next, "tunnels.connect-udp", c -> c.tunnels().connectUdp());
        check(out, running, next, "tunnels.datagrams", c -> c.tunnels().datagrams());
        check(out, running, next, "tunnels.auth.client-ca", c -> c.tunnels().auth().clientCa());
        check(out, running, next, "timeouts.request-head", c -> c.timeouts().requestHead());
        return out;
    }

    private static void check(List<String> out, FerryConfig running, FerryConfig next, String key,
                              Function<FerryConfig, Object> value) {
        if (!Objects.equals(value.apply(running), value.apply(next))) {
            out.add(key + ": changed, which needs a restart (the relay's sockets, TLS contexts or event loops were "
                    + "built with it); the running configuration stays");
        }
    }
}
