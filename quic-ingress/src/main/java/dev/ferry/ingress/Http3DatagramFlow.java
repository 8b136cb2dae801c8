package dev.ferry.ingress;

import dev.ferry.http3.Http3DatagramRouter;

import dev.ferry.bridge.tunnel.Capsule;
import dev.ferry.bridge.tunnel.CapsuleDecoder;
import dev.ferry.bridge.tunnel.CapsuleEncoder;
import dev.ferry.bridge.tunnel.VarInt;
import dev.ferry.bridge.tunnel.TunnelCounters;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;

import java.util.function.Consumer;

/**
 * The datagram side of one CONNECT-UDP request stream (RFC 9297, RFC 9298): UDP payloads arrive as HTTP Datagrams
 * on QUIC DATAGRAM frames (through the connection's {@link Http3DatagramRouter}) or as DATAGRAM capsules in the
 * stream's DATA frames, and leave the same two ways. Only context ID 0 (UDP payloads) is registered; anything else
 * is dropped and counted.
 */
final class Http3DatagramFlow implements Http3DatagramRouter.Flow {

    /** Where a flow reports. */
    interface Sink {
        /** One UDP payload from the client; takes ownership. */
        void onPayload(ByteBuf payload);

        /** The capsule stream is malformed: the stream must be reset with H3_DATAGRAM_ERROR. */
        void onMalformed(String reason);
    }

    private final long streamId;
    private final Http3DatagramRouter router;
    private final CapsuleDecoder capsules;
    private final TunnelCounters counters;
    private final Sink sink;
    /** Set when the client sent a DATAGRAM capsule: answers then go the same way (RFC 9297 3.5)... */
    private boolean clientSentCapsule;
    /**
     * ...unless it sent a QUIC datagram on this flow too, which shows it takes them. A client that sends most
     * payloads as datagrams still sends a capsule now and then (one too large for a datagram, or one sent before
     * the relay's SETTINGS arrived); that must not move every answer of the tunnel onto the stream.
     */
    private boolean clientSentQuicDatagram;
    private boolean closed;

    Http3DatagramFlow(ChannelHandlerContext ctx, long streamId, Http3DatagramRouter router, TunnelCounters counters,
                      Sink sink) {
        this.streamId = streamId;
        this.router = router;
        this.counters = counters;
        this.sink = sink;
        this.capsules = new CapsuleDecoder(ctx.alloc(), CapsuleDecoder.DEFAULT_MAX_DATAGRAM_CAPSULE_LENGTH);
        router.register(streamId, this);
    }

    /** DATA frame content of the stream: a piece of the capsule stream. Takes ownership. */
    void readCapsules(ByteBuf data) {
        try {
            capsules.feed(data, decodeCapsule());
        } catch (CapsuleDecoder.CapsuleException e) {
            counters.drop(TunnelCounters.Drop.MALFORMED);
            sink.onMalformed(e.getMessage());
        }
    }

    private Consumer<Capsule> decodeCapsule() {
        return capsule -> {
            ByteBuf payload = capsule.payload();
            try {
                if (capsule.type() != Capsule.DATAGRAM) {
                    return;
                }
                long contextId = VarInt.read(payload);
                clientSentCapsule = true;
                deliver(contextId, payload.retain());
            } finally {
                payload.release();
            }
        };
    }

    @Override
    public void onQuicDatagram(long contextId, ByteBuf payload) {
        clientSentQuicDatagram = true;
        deliver(contextId, payload);
    }

    private void deliver(long contextId, ByteBuf payload) {
        if (contextId != 0 || closed) {
            // RFC 9298 4: context ID 0 carries UDP payloads; no other context is registered here.
            counters.drop(contextId < 0 ? TunnelCounters.Drop.MALFORMED : TunnelCounters.Drop.UNKNOWN_CONTEXT);
            payload.release();
            return;
        }
        sink.onPayload(payload);
    }

    /** True when the stream ended inside a capsule, which RFC 9297 3.3 makes malformed. */
    boolean endedMidCapsule() {
        return capsules.isMidCapsule();
    }

    /**
     * Sends one UDP payload: on a QUIC DATAGRAM frame when negotiated, the client has not switched to capsules and
     * it fits; otherwise as a DATAGRAM capsule on the stream. Takes ownership.
     */
    void send(ChannelHandlerContext ctx, ByteBuf payload) {
        if (closed) {
            counters.drop(TunnelCounters.Drop.NOT_OPEN);
            payload.release();
            return;
        }
        int length = payload.readableBytes();
        boolean clientUsesCapsules = clientSentCapsule && !clientSentQuicDatagram;
        if (!clientUsesCapsules && router.trySend(streamId, 0, payload)) {
            counters.toClient(length, true, false);
            return;
        }
        // Capsules are the fallback for clients without QUIC datagrams and for payloads too large for one.
        counters.toClient(length, true, true);
        ctx.writeAndFlush(new DefaultHttp3DataFrame(CapsuleEncoder.datagram(ctx.alloc(), 0, payload)),
                ctx.voidPromise());
    }

    void close() {
        if (!closed) {
            closed = true;
            router.unregister(streamId);
            capsules.release();
        }
    }
}
