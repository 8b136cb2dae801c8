package dev.ferry.tools.bench;

import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Exchange;
import dev.ferry.http3.client.Http3Request;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.Future;

import java.util.ArrayDeque;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Drives the load on one connection. All state lives on the connection's event loop, so nothing here is locked:
 * starts, completions and rate ticks all run there.
 *
 * <p>Closed model: {@code streams} slots, each sending its next request when the previous one ends. Open model:
 * requests are due at fixed intervals; at most {@code streams} run at once and the rest wait in a backlog of intended
 * start times, which is where their latency starts.
 *
 * <p>A server may allow fewer concurrent streams than asked for (quic-go's default is 100, and credit for a finished
 * stream comes back a round trip later). Opening a stream beyond the limit would fail at once, so such a send is
 * parked until the peer grants more streams; its latency still counts from when it wanted to go.
 */
final class ConnectionDriver {
    /** Past this many waiting requests the server is hopelessly behind; further ones are dropped and counted. */
    private static final int MAX_BACKLOG = 100_000;

    private final Http3Connection connection;
    private final EventLoop loop;
    private final Http3Request request;
    private final BenchOptions options;
    private final LiveStats stats;
    private final RunControl control;
    private final long[] backlog = new long[MAX_BACKLOG];
    private int backlogHead;
    private int backlogSize;
    private int inFlight;
    private double intervalNanos;
    private double nextDue;
    private final ArrayDeque<Long> parked = new ArrayDeque<>();
    private boolean retryScheduled;

    /** The connection this driver loads. */
    Http3Connection connection() {
        return connection;
    }

    ConnectionDriver(Http3Connection connection, Http3Request request, BenchOptions options, LiveStats stats,
                     RunControl control) {
        this.connection = connection;
        this.loop = connection.quicChannel().eventLoop();
        this.request = request;
        this.options = options;
        this.stats = stats;
        this.control = control;
        connection.quicChannel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof QuicStreamLimitChangedEvent) {
                    unpark();
                }
                ctx.fireUserEventTriggered(evt);
            }
        });
    }

    boolean isActive() {
        return connection.isActive();
    }

    /** Fills every stream slot; each refills itself as its exchange ends. */
    void startClosed() {
        loop.execute(() -> {
            for (int i = 0; i < options.streams(); i++) {
                send(System.nanoTime());
            }
        });
    }

    /**
     * Starts sending at {@code perConnectionRate} requests per second, the first due at {@code firstDueNanos}
     * (staggered by the caller so that connections do not fire in lockstep).
     */
    void startOpen(double perConnectionRate, long firstDueNanos) {
        intervalNanos = 1e9 / perConnectionRate;
        nextDue = firstDueNanos;
        loop.execute(this::tick);
    }

    private void tick() {
        if (control.stopped() || !connection.isActive()) {
            backlogSize = 0;
            return;
        }
        long now = System.nanoTime();
        while (nextDue <= now) {
            if (backlogSize < MAX_BACKLOG) {
                backlog[(backlogHead + backlogSize) % MAX_BACKLOG] = (long) nextDue;
                backlogSize++;
            } else {
                stats.error((long) nextDue, "backlog-overflow");
            }
            nextDue += intervalNanos;
        }
        drainBacklog();
        long delay = Math.max(0, (long) nextDue - System.nanoTime());
        loop.schedule(this::tick, delay, TimeUnit.NANOSECONDS);
    }

    private void drainBacklog() {
        while (backlogSize > 0 && inFlight < options.streams() && !control.stopped()) {
            long due = backlog[backlogHead];
            backlogHead = (backlogHead + 1) % MAX_BACKLOG;
            backlogSize--;
            send(due);
        }
    }

    private void send(long startNanos) {
        if (!connection.isActive() || !control.tryStart()) {
            return;
        }
        inFlight++;
        if (!parked.isEmpty() || connection.quicChannel().peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) <= 0) {
            parked.add(startNanos);
            scheduleRetry();
            return;
        }
        open(startNanos);
    }

    /** Sends parked requests while the peer allows streams. */
    private void unpark() {
        while (!parked.isEmpty() && connection.quicChannel().peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0) {
            open(parked.poll());
        }
        if (!parked.isEmpty()) {
            if (control.stopped() || !connection.isActive()) {
                int n = parked.size();
                parked.clear();
                for (int i = 0; i < n; i++) {
                    inFlight--;
                    control.finished();
                }
            } else {
                scheduleRetry();
            }
        }
    }

    /** The stream-limit event is the normal wake-up; this timer only covers a missed one. */
    private void scheduleRetry() {
        if (!retryScheduled) {
            retryScheduled = true;
            loop.schedule(() -> {
                retryScheduled = false;
                unpark();
            }, 1, TimeUnit.MILLISECONDS);
        }
    }

    private void open(long startNanos) {
        TimedExchange[] holder = new TimedExchange[1];
        Future<?>[] timer = new Future<?>[1];
        holder[0] = new TimedExchange(stats, startNanos, options.bodySize(), end -> {
            if (timer[0] != null) {
                timer[0].cancel(false);
            }
            ended();
        });
        Http3Exchange exchange = connection.request(request, holder[0]);
        if (!holder[0].ended()) {
            timer[0] = loop.schedule(() -> {
                if (!holder[0].ended()) {
                    holder[0].timedOut();
                    exchange.cancel();
                    // The cancel normally ends the exchange; this covers a stream that was never opened.
                    holder[0].onError(new TimeoutException("request timed out"));
                }
            }, options.timeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void ended() {
        inFlight--;
        control.finished();
        if (options.openModel()) {
            drainBacklog();
        } else if (connection.isActive()) {
            send(System.nanoTime());
        }
    }
}
