package dev.ferry.tools.bench;

import dev.ferry.bridge.transport.Transport;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.RequestBody;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.netty.handler.codec.quic.QuicConnectionStats;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one benchmark: opens the connections, warms up, measures, waits for the last counted exchange and returns the
 * figures. The caller's thread only keeps time; all traffic runs on the client's event loops.
 */
public final class LoadGenerator {
    /** Request bodies are slices of this, so generating an upload costs no allocation per byte. */
    private static final byte[] PATTERN = new byte[64 * 1024];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) (i % 251);
        }
    }

    private final BenchOptions options;
    private ProcessCpu serverCpu;
    private String firstError;

    public LoadGenerator(BenchOptions options) {
        this.options = options;
    }

    /** Also reports the CPU time process {@code pid} (the server under test) used during the measured window. */
    public LoadGenerator watchCpuOf(long pid) {
        this.serverCpu = new ProcessCpu(pid);
        return this;
    }

    /** The first connect failure or unexpected error of the last run, or {@code null}. */
    public String firstError() {
        return firstError;
    }

    /** Runs the benchmark to the end; {@code url} only labels the result. */
    public BenchResult run(String url) throws InterruptedException {
        EventLoopGroup group = Transport.selected().newGroup(options.threads());
        LiveStats stats = new LiveStats();
        RunControl control = new RunControl(stats, options.requests());
        try (Http3Client client = newClient(options, group, options.duration().plus(options.warmup()))) {
            List<ConnectionDriver> drivers = connect(client, stats, control);
            long start = System.nanoTime();
            if (options.openModel()) {
                double perConnection = options.rate() / drivers.size();
                for (int i = 0; i < drivers.size(); i++) {
                    drivers.get(i).startOpen(perConnection, start + (long) (i * 1e9 / options.rate()));
                }
            } else {
                drivers.forEach(ConnectionDriver::startClosed);
            }
            TimeUnit.NANOSECONDS.sleep(options.warmup().toNanos());
            double serverBefore = serverCpu == null ? -1 : serverCpu.seconds();
            long cpuBefore = processCpuNanos();
            BenchResult.PacketCount packetsBefore = packets(drivers);
            long measureStart = stats.startMeasuring();
            long stoppedAt = awaitStop(drivers, control, measureStart);
            awaitDrain(control);
            BenchResult.PacketCount packetsInWindow = packets(drivers).since(packetsBefore);
            double serverAfter = serverCpu == null ? -1 : serverCpu.seconds();
            double serverSeconds = serverBefore < 0 || serverAfter < 0 ? -1 : serverAfter - serverBefore;
            // The window ends when load stopped or, if later, when the last counted exchange ended; an exchange that
            // hangs until its timeout is reported as an error and does not stretch the window.
            long last = stats.lastSuccessNanos();
            firstError = stats.firstError();
            double elapsed = (Math.max(stoppedAt, last == Long.MIN_VALUE ? stoppedAt : last) - measureStart) / 1e9;
            return new BenchResult(url, options.describe(), drivers.size(), stats.completed(), stats.bodyBytes(),
                    stats.uploadedBytes(), elapsed, stats.errors(), stats.histogram(),
                    (processCpuNanos() - cpuBefore) / 1e9, serverSeconds, packetsInWindow);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Packets sent and received so far on every connection, or unknown if any connection cannot tell. */
    private static BenchResult.PacketCount packets(List<ConnectionDriver> drivers) {
        long sent = 0;
        long received = 0;
        for (ConnectionDriver driver : drivers) {
            try {
                QuicConnectionStats s = driver.connection().quicChannel().collectStats().get(2, TimeUnit.SECONDS);
                sent += s.sent();
                received += s.recv();
            } catch (Exception e) {
                // A connection that closed (or never opened) has no statistics to give.
                return BenchResult.PacketCount.UNKNOWN;
            }
        }
        return new BenchResult.PacketCount(sent, received);
    }

    /** Waits until no more exchanges may start (time up, budget spent, or no connection left); returns when. */
    private long awaitStop(List<ConnectionDriver> drivers, RunControl control, long measureStart)
            throws InterruptedException {
        long stopAt = options.requests() > 0 ? Long.MAX_VALUE : measureStart + options.duration().toNanos();
        while (true) {
            long now = System.nanoTime();
            if (!control.stopped() && (now - stopAt >= 0 || drivers.stream().noneMatch(ConnectionDriver::isActive))) {
                control.stop();
            }
            if (control.stopped()) {
                return Math.min(now, stopAt);
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }

    /** Waits for the exchanges still in flight; each has its own timeout, so this ends soon after the longest. */
    private void awaitDrain(RunControl control) throws InterruptedException {
        long giveUpAt = System.nanoTime() + options.timeout().toNanos() + TimeUnit.SECONDS.toNanos(2);
        while (control.inFlight() > 0 && System.nanoTime() - giveUpAt < 0) {
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }

    private List<ConnectionDriver> connect(Http3Client client, LiveStats stats, RunControl control) {
        Http3Request request = request(options);
        List<CompletableFuture<Http3Connection>> pending = new ArrayList<>();
        for (int i = 0; i < options.connections(); i++) {
            pending.add(client.connect(options.address(), options.serverName()));
        }
        List<ConnectionDriver> drivers = new ArrayList<>();
        for (CompletableFuture<Http3Connection> p : pending) {
            try {
                drivers.add(new ConnectionDriver(p.join(), request, options, stats, control));
            } catch (RuntimeException e) {
                stats.note(e.getCause() != null ? e.getCause() : e);
                stats.error("connect");
            }
        }
        return drivers;
    }

    /** The client every bench mode uses; its idle timeout outlasts the run so that quiet connections stay up. */
    static Http3Client newClient(BenchOptions options, EventLoopGroup group, Duration runLength) {
        return Http3Client.builder().insecure(options.insecure()).group(group)
                .maxIdleTimeout(runLength.plus(options.timeout()).plusSeconds(30))
                .qlogDir(options.qlogDir())
                .build();
    }

    static Http3Request request(BenchOptions options) {
        Http3Request.Builder b = Http3Request.builder(options.method(), options.path()).authority(options.authority());
        if (options.bodySize() > 0) {
            b.body(RequestBody.generated(options.bodySize(), LoadGenerator::chunk));
        }
        return b.build();
    }

    private static ByteBuf chunk(io.netty.buffer.ByteBufAllocator alloc, long offset, int len) {
        if (len <= PATTERN.length) {
            return Unpooled.wrappedBuffer(PATTERN, 0, len);
        }
        return alloc.buffer(len).writeBytes(new byte[len]);
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
