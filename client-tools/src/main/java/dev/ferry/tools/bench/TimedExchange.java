package dev.ferry.tools.bench;

import dev.ferry.http3.client.Http3StreamResetException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.quic.QuicClosedChannelException;

import java.nio.channels.ClosedChannelException;
import java.util.function.LongConsumer;

/**
 * Listens to one benchmark exchange: counts body bytes as they arrive and, at the end, records either its latency or
 * the kind of error, exactly once. The start is the intended send time in the open model, so queueing before the
 * send is part of the latency.
 */
final class TimedExchange implements dev.ferry.http3.client.ResponseListener {
    private final LiveStats stats;
    private final long startNanos;
    private final long requestBodyBytes;
    private final LongConsumer onEnd;
    private int status;
    private boolean ended;
    private boolean timedOut;

    /** {@code onEnd} runs on the event loop once the exchange has ended, with the end time. */
    TimedExchange(LiveStats stats, long startNanos, long requestBodyBytes, LongConsumer onEnd) {
        this.stats = stats;
        this.startNanos = startNanos;
        this.requestBodyBytes = requestBodyBytes;
        this.onEnd = onEnd;
    }

    /** Marks the exchange as timed out before it is cancelled, so that the reset it causes is not misreported. */
    void timedOut() {
        timedOut = true;
    }

    boolean ended() {
        return ended;
    }

    @Override
    public void onHead(Http3Headers head) {
        status = head.status() == null ? 0 : Integer.parseInt(head.status().toString());
    }

    @Override
    public void onData(ByteBuf data) {
        stats.bodyBytes(data.readableBytes());
    }

    @Override
    public void onComplete() {
        if (ended) {
            return;
        }
        ended = true;
        long end = System.nanoTime();
        if (status >= 400) {
            stats.error(startNanos, "status-" + status);
        } else {
            stats.completed(startNanos, end, requestBodyBytes);
        }
        onEnd.accept(end);
    }

    @Override
    public void onError(Throwable cause) {
        if (ended) {
            return;
        }
        ended = true;
        stats.error(startNanos, kind(cause));
        onEnd.accept(System.nanoTime());
    }

    private String kind(Throwable cause) {
        if (timedOut) {
            return "timeout";
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof Http3StreamResetException reset) {
                // The code tells a refused request (H3_REQUEST_REJECTED) from a broken one.
                String name = reset.errorName();
                int space = name.indexOf(' ');
                return "reset-" + (space > 0 ? name.substring(0, space) : name).replace(' ', '-');
            }
            if (t instanceof QuicClosedChannelException || t instanceof ClosedChannelException) {
                return "connection-closed";
            }
        }
        stats.note(cause);
        return "other";
    }
}
