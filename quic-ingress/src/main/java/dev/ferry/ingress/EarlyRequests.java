package dev.ferry.ingress;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.headers.FieldSyntax;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the relay does with a request that arrived in 0-RTT early data (RFC 8470), before the client's handshake
 * completed, and counts of what it did.
 *
 * <p>Early data can be replayed by anyone who captured the client's first flight, so only a request whose repetition
 * does no harm may go on at once: a safe method (RFC 9110 9.2.1: GET, HEAD, OPTIONS) with no body, no CONNECT and no
 * extended CONNECT. It goes to the origin marked {@code Early-Data: 1} (RFC 8470 5.1), so that the origin can refuse
 * it with 425 (Too Early); the relay then sends it again once the handshake is complete (5.2), unless the client
 * itself had marked it, in which case the 425 is the client's to handle and is passed on. Every other request waits,
 * unread past its head, until the handshake completes; a replayed first flight never completes a handshake, so a
 * held request is never forwarded twice.
 */
public final class EarlyRequests {
    static final String EARLY_DATA = "early-data";

    private final LongAdder forwardedEarly = new LongAdder();
    private final LongAdder heldUntilHandshake = new LongAdder();
    private final LongAdder retriedAfterTooEarly = new LongAdder();

    /** Whether {@code head}, read in early data, may go to the origin before the handshake completes. */
    static boolean mayForwardEarly(RequestHead head) {
        String method = head.method();
        boolean safe = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        return safe && head.protocol() == null && FieldSyntax.contentLength(head.headers()) <= 0;
    }

    /** Whether the client marked the request itself (it is a proxy relaying early data of its own client). */
    static boolean markedByClient(RequestHead head) {
        return head.headers().contains(EARLY_DATA);
    }

    /** {@code head} with {@code Early-Data: 1}, added unless the client sent the field already. */
    static RequestHead marked(RequestHead head) {
        if (markedByClient(head)) {
            return head;
        }
        RequestHead.Builder builder = head.toBuilder();
        builder.headers().add(EARLY_DATA, "1");
        return builder.build();
    }

    void countForwardedEarly() {
        forwardedEarly.increment();
    }

    void countHeld() {
        heldUntilHandshake.increment();
    }

    void countRetried() {
        retriedAfterTooEarly.increment();
    }

    /** Requests forwarded in early data, marked Early-Data: 1. */
    public long forwardedEarly() {
        return forwardedEarly.sum();
    }

    /** Requests read in early data that waited for the handshake before going to the origin. */
    public long heldUntilHandshake() {
        return heldUntilHandshake.sum();
    }

    /** Requests sent again after the handshake because the origin answered their early attempt with 425. */
    public long retriedAfterTooEarly() {
        return retriedAfterTooEarly.sum();
    }
}
