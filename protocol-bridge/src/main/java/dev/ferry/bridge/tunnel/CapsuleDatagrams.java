package dev.ferry.bridge.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The capsule half of a CONNECT-UDP stream on any HTTP version (RFC 9297 3.2, RFC 9298 5): the stream's DATA
 * carries capsules, DATAGRAM capsules of context ID 0 carry UDP payloads, capsules of other types are skipped and
 * other contexts are dropped and counted. HTTP/3 adds QUIC DATAGRAM frames beside it; HTTP/2 has only this.
 * Used on the stream's event loop only.
 */
public final class CapsuleDatagrams {

    /** Where payloads go. */
    public interface Sink {
        /** One UDP payload from the client; takes ownership. */
        void onPayload(ByteBuf payload);

        /** The capsule stream is malformed: the stream must be aborted. */
        void onMalformed(String reason);
    }

    private final CapsuleDecoder decoder;
    private final TunnelCounters counters;
    private final Sink sink;
    private boolean sawCapsule;
    private boolean closed;

    public CapsuleDatagrams(ByteBufAllocator alloc, TunnelCounters counters, Sink sink) {
        this.decoder = new CapsuleDecoder(alloc, CapsuleDecoder.DEFAULT_MAX_DATAGRAM_CAPSULE_LENGTH);
        this.counters = counters;
        this.sink = sink;
    }

    /** A piece of the stream's DATA, which carries capsules; takes ownership. */
    public void read(ByteBuf data) {
        try {
            decoder.feed(data, capsule -> {
                ByteBuf payload = capsule.payload();
                try {
                    if (capsule.type() == Capsule.DATAGRAM) {
                        long contextId = VarInt.read(payload);
                        sawCapsule = true;
                        deliver(contextId, payload.retain());
                    }
                } finally {
                    payload.release();
                }
            });
        } catch (CapsuleDecoder.CapsuleException e) {
            counters.drop(TunnelCounters.Drop.MALFORMED);
            sink.onMalformed(e.getMessage());
        }
    }

    /**
     * One HTTP Datagram, from a capsule or (on HTTP/3) a QUIC DATAGRAM frame: context ID 0 goes to the sink,
     * anything else is dropped and counted (RFC 9298 4). Takes ownership.
     */
    public void deliver(long contextId, ByteBuf payload) {
        if (contextId != 0 || closed) {
            counters.drop(contextId < 0 ? TunnelCounters.Drop.MALFORMED : TunnelCounters.Drop.UNKNOWN_CONTEXT);
            payload.release();
            return;
        }
        sink.onPayload(payload);
    }

    /** A UDP payload as a DATAGRAM capsule for the stream's DATA; takes ownership of {@code payload}. */
    public ByteBuf encode(ByteBufAllocator alloc, ByteBuf payload) {
        int length = payload.readableBytes();
        counters.toClient(length, true, true);
        return CapsuleEncoder.datagram(alloc, 0, payload);
    }

    /** True once the client sent a DATAGRAM capsule. */
    public boolean sawCapsule() {
        return sawCapsule;
    }

    /** True when the stream ended inside a capsule, which RFC 9297 3.3 makes malformed. */
    public boolean endedMidCapsule() {
        return decoder.isMidCapsule();
    }

    public void close() {
        if (!closed) {
            closed = true;
            decoder.release();
        }
    }
}
