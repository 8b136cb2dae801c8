package dev.ferry.tools.bench;

import dev.ferry.bridge.transport.Transport;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import io.netty.channel.EventLoopGroup;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scale probe: opens many HTTP/3 connections, sends one request on each so that the server has set up its
 * per-connection HTTP/3 state, and then holds them idle, so that a script can read the server's memory with that many
 * clients attached. Handshakes are limited to a window in flight so that opening 10,000 connections measures the
 * server's memory, not a handshake storm.
 */
public final class IdleConnections {
    private static final int HANDSHAKE_WINDOW = 64;

    private final BenchOptions options;
    private final PrintStream out;

    public IdleConnections(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** A progress line, so that a script with a time limit can read how many are open so far. */
    private void progress(int open, long start) {
        synchronized (out) {
            out.printf(Locale.ROOT, "idle: %d open so far after %.1fs%n", open, (System.nanoTime() - start) / 1e9);
            out.flush();
        }
    }

    /**
     * Opens {@code count} connections, prints {@code idle: N connections open} (the line scripts wait for), holds
     * them for {@code hold}, then closes them. Returns the number that opened.
     */
    public int run(int count, Duration hold) throws InterruptedException {
        EventLoopGroup group = Transport.selected().newGroup(options.threads());
        AtomicInteger open = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Semaphore window = new Semaphore(HANDSHAKE_WINDOW);
        long start = System.nanoTime();
        try (Http3Client client = LoadGenerator.newClient(options, group, hold.plusMinutes(1))) {
            var request = LoadGenerator.request(options);
            for (int i = 0; i < count; i++) {
                window.acquire();
                client.connect(options.address(), options.serverName())
                        .thenCompose(c -> c.send(request).thenApply(r -> c))
                        .whenComplete((c, e) -> {
                            int n = (e == null ? open : failed).incrementAndGet();
                            window.release();
                            if (e == null && n % 500 == 0) {
                                progress(n, start);
                            }
                        });
            }
            window.acquire(HANDSHAKE_WINDOW);
            long active = client.connections().stream().filter(Http3Connection::isActive).count();
            out.printf(Locale.ROOT, "idle: %d connections open (%d failed) in %.1fs, holding %s%n", active,
                    failed.get(), (System.nanoTime() - start) / 1e9, BenchOptions.format(hold));
            out.flush();
            TimeUnit.MILLISECONDS.sleep(hold.toMillis());
            long still = client.connections().stream().filter(Http3Connection::isActive).count();
            out.printf(Locale.ROOT, "idle: %d connections still open after holding; closing%n", still);
            out.flush();
            return (int) active;
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
