package dev.ferry.app.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Writes lines on a thread of its own, so that an event loop that logs an exchange only queues a string: no lock,
 * no system call, however slow the file or the terminal behind it.
 *
 * <p>The queue is bounded ({@code capacity} lines). When the writer falls that far behind, new lines are dropped
 * and counted rather than held (memory) or waited for (the loop); the count is reported once the writer catches
 * up. The writer drains the queue in batches and flushes once per batch, then sleeps briefly when it finds the
 * queue empty: a line is written within about {@link #IDLE_WAIT_MILLIS} of being queued. {@link #close()} writes
 * everything already queued before it returns.
 */
final class AsyncLineWriter implements Consumer<String>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AsyncLineWriter.class);
    /** Lines that may wait: at about 300 bytes a line, some 20 MB, seconds of traffic at full speed. */
    static final int DEFAULT_CAPACITY = 65_536;
    /** How long the writer sleeps when it finds nothing to write. */
    static final long IDLE_WAIT_MILLIS = 5;

    private final LineOutput out;
    private final int capacity;
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean closing;
    private long droppedReported;

    /**
     * @param ownsStream whether {@link #close()} closes {@code out} too (a file), or leaves it open (standard output)
     */
    AsyncLineWriter(PrintStream out, boolean ownsStream, int capacity, String name) {
        this(LineOutput.of(Objects.requireNonNull(out, "out"), ownsStream), capacity, name);
    }

    /** Lines into {@code out}, which {@link #close()} closes. */
    AsyncLineWriter(LineOutput out, int capacity, String name) {
        this.out = Objects.requireNonNull(out, "out");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected at least 1)");
        }
        this.capacity = capacity;
        this.writer = new Thread(this::run, name);
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues one line (without its line end); never blocks. */
    @Override
    public void accept(String line) {
        if (closing || queued.incrementAndGet() > capacity) {
            if (!closing) {
                queued.decrementAndGet();
            }
            dropped.increment();
            return;
        }
        lines.add(line);
    }

    /** Lines dropped so far because the queue was full or the writer closed. */
    long dropped() {
        return dropped.sum();
    }

    private void run() {
        while (true) {
            boolean wrote = drain();
            if (!wrote) {
                if (closing) {
                    // A line queued between the last poll and the flag is still written.
                    drain();
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(IDLE_WAIT_MILLIS));
            }
        }
    }

    /** Writes what is queued, one flush at the end; false when there was nothing. */
    private boolean drain() {
        String line = lines.poll();
        if (line == null) {
            return false;
        }
        do {
            // Counted out as taken, so that the bound is on lines waiting, not on the batch being written.
            queued.decrementAndGet();
            try {
                out.line(line);
            } catch (RuntimeException e) {
                // A full disk, a removed directory: the line is lost, and the writer goes on with the next.
                dropped.increment();
            }
            line = lines.poll();
        } while (line != null);
        try {
            out.flush();
        } catch (RuntimeException e) {
            log.warn("access log: {}", e.getMessage());
        }
        reportDrops();
        return true;
    }

    private void reportDrops() {
        long total = dropped.sum();
        if (total > droppedReported) {
            log.warn("access log: {} lines dropped because the writer fell {} lines behind ({} in all)",
                    total - droppedReported, capacity, total);
            droppedReported = total;
        }
    }

    /** Writes every queued line, then stops the writer (and closes the stream it owns); later lines are dropped. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.close();
    }
}
