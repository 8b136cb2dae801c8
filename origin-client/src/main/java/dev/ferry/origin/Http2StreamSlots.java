package dev.ferry.origin;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.util.ArrayDeque;

/**
 * How many streams the relay has open on one HTTP/2 origin connection, against the origin's
 * SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 5.1.2); streams beyond it wait here, in order, until one closes.
 *
 * <p>Netty's codec could queue them itself ({@code StreamBufferingEncoder}), and did: but it lets the HEADERS of a
 * new stream pass streams it still holds whenever a slot frees before it drains its queue, and then sends the
 * DATA of a held stream as if that stream existed. The origin sees DATA for a stream it never opened and closes
 * the connection with PROTOCOL_ERROR, failing every exchange on it (seen with 2,000 concurrent requests before
 * the origin's first SETTINGS arrived, when the codec assumes 100). Counting here keeps the codec's queue
 * empty. Used on the connection's event loop only.
 */
final class Http2StreamSlots {
    private static final AttributeKey<Http2StreamSlots> KEY = AttributeKey.valueOf(Http2StreamSlots.class, "slots");

    /** Netty's StreamBufferingEncoder.SMALLEST_MAX_CONCURRENT_STREAMS. */
    private static final int ASSUMED_LIMIT = 100;

    private final Channel parent;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int open;

    private Http2StreamSlots(Channel parent) {
        this.parent = parent;
        // A connection that closes lets every waiting stream try, and fail, at once.
        parent.closeFuture().addListener(f -> drainAll());
    }

    static Http2StreamSlots of(Channel parent) {
        Http2StreamSlots slots = parent.attr(KEY).get();
        if (slots == null) {
            slots = new Http2StreamSlots(parent);
            parent.attr(KEY).set(slots);
        }
        return slots;
    }

    /** Runs {@code openStream} now if a slot is free, else when one frees; it must {@link #release} it later. */
    void acquire(Runnable openStream) {
        if (open < limit() && waiting.isEmpty()) {
            open++;
            openStream.run();
        } else {
            waiting.add(openStream);
        }
    }

    /** Streams waiting for a slot; call on the connection's loop. */
    int waiting() {
        return waiting.size();
    }

    /** A stream opened through {@link #acquire} closed (or never opened): the next waiting one may go. */
    void release() {
        open--;
        while (!waiting.isEmpty() && open < limit()) {
            open++;
            waiting.poll().run();
        }
    }

    private void drainAll() {
        while (!waiting.isEmpty()) {
            open++;
            waiting.poll().run();
        }
    }

    /**
     * The origin's limit as the codec applies it: what the origin announced in SETTINGS_MAX_CONCURRENT_STREAMS,
     * else 100, which the codec's encoder assumes until told more (RFC 9113 6.5.2 advises at least 100).
     */
    private int limit() {
        io.netty.handler.codec.http2.Http2Connection connection = Http2OriginConnection.http2Connection(parent);
        if (connection == null) {
            return 1;
        }
        int announced = connection.local().maxActiveStreams();
        return announced == Integer.MAX_VALUE ? ASSUMED_LIMIT : announced;
    }
}
