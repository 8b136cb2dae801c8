package dev.ferry.bridge.exchange;

import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.TunnelSettings;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One configuration of the exchange path (hooks, routing, settings, tunnels), and how many exchanges still run on
 * it. An exchange takes the current generation when it starts and keeps it to its end, so a reload never changes
 * the rules under a running exchange; a generation replaced by a reload reports when its last exchange has ended,
 * which is when the resources behind it (origin connections, tunnel sockets, a log file) may close.
 */
final class Generation {
    final List<ProxyHook> hooks;
    final OriginSelector selector;
    final ExchangeDriver.Settings settings;
    /** Null when tunnels are refused. */
    final TunnelSettings tunnels;
    private final AtomicLong running = new AtomicLong();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean retired;

    Generation(List<ProxyHook> hooks, OriginSelector selector, ExchangeDriver.Settings settings,
               TunnelSettings tunnels) {
        this.hooks = List.copyOf(hooks);
        this.selector = selector;
        this.settings = settings;
        this.tunnels = tunnels;
    }

    /** An exchange starts on this generation. */
    void enter() {
        running.incrementAndGet();
    }

    /** An exchange that {@link #enter entered} has ended. */
    void exit() {
        // retired is written before running is read in retire(): one of the two sees the other's write.
        if (running.decrementAndGet() == 0 && retired) {
            drained.complete(null);
        }
    }

    /** No new exchange starts here; completes once the running ones have ended (at once if none runs). */
    CompletableFuture<Void> retire() {
        retired = true;
        if (running.get() == 0) {
            drained.complete(null);
        }
        return drained;
    }

    /** Exchanges running on this generation now. */
    long running() {
        return running.get();
    }
}
