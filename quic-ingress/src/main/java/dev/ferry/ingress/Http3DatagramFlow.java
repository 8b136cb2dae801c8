package dev.ferry.ingress;

import dev.ferry.http3.Http3DatagramRouter;

import dev.ferry.bridge.tunnel.CapsuleDatagrams;
import dev.ferry.bridge.tunnel.TunnelCounters;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;

/**
 * The datagram side of one CONNECT-UDP request stream (RFC 9297, RFC 9298): UDP payloads arrive as HTTP Datagrams
 * on QUIC DATAGRAM frames (through the connection's {@link Http3DatagramRouter}) or as DATAGRAM capsules in the
 * stream's DATA frames ({@link CapsuleDatagrams}), and leave the same two ways. Only context ID 0 (UDP payloads)
 * is registered; anything else is dropped and counted.
 */
final class Http3DatagramFlow implements Http3DatagramRouter.Flow {

    private final long streamId;
    private final Http3DatagramRouter router;
    private final CapsuleDatagrams capsules;
    private final TunnelCounters counters;
    /**
     * Set when the client sent a QUIC datagram on this flow: it takes them, so answers go that way even if it
     * also sent a capsule now and then (one too large for a datagram, or one sent before the relay's SETTINGS
     * arrived). Only a client that sent capsules and no datagram gets its answers as capsules (RFC 9297 3.5).
     */
    private boolean clientSentQuicDatagram;
    private boolean closed;

    Http3DatagramFlow(ChannelHandlerContext ctx, long streamId, Http3DatagramRouter router, TunnelCounters counters,
                      CapsuleDatagrams.Sink sink) {
        this.streamId = streamId;
        this.router = router;
        this.counters = counters;
        this.capsules = new CapsuleDatagrams(ctx.alloc(), counters, sink);
        router.register(streamId, this);
    }

    /** DATA frame content of the stream: a piece of the capsule stream. Takes ownership. */
    void readCapsules(ByteBuf data) {
        capsules.read(data);
    }

    @Override
    public void onQuicDatagram(long contextId, ByteBuf payload) {
        clientSentQuicDatagram = true;
        capsules.deliver(contextId, payload);
    }

    /** True when the stream ended inside a capsule, which RFC 9297 3.3 makes malformed. */
    boolean endedMidCapsule() {
        return capsules.endedMidCapsule();
    }

    /**
     * Sends one UDP payload: on a QUIC DATAGRAM frame when both sides negotiated them and the client has not
     * switched to capsules; as a DATAGRAM capsule on the stream otherwise. Takes ownership.
     *
     * <p>A payload too large for one DATAGRAM frame is dropped, never sent as a capsule (RFC 9298 5, RFC 9297 3.5):
     * a capsule would carry it reliably and so tell the endpoints' path MTU discovery that the path takes packets
     * it does not, after which every packet of theirs would ride the stream.
     */
    void send(ChannelHandlerContext ctx, ByteBuf payload) {
        if (closed) {
            counters.drop(TunnelCounters.Drop.NOT_OPEN);
            payload.release();
            return;
        }
        int length = payload.readableBytes();
        boolean clientUsesCapsules = capsules.sawCapsule() && !clientSentQuicDatagram;
        if (!clientUsesCapsules) {
            switch (router.send(streamId, 0, payload)) {
                case SENT -> {
                    counters.toClient(length, true, false);
                    return;
                }
                case TOO_LARGE -> {
                    counters.drop(TunnelCounters.Drop.TOO_LARGE);
                    return;
                }
                case NOT_NEGOTIATED -> {
                    // A capsule, below.
                }
            }
        }
        ctx.writeAndFlush(new DefaultHttp3DataFrame(capsules.encode(ctx.alloc(), payload)), ctx.voidPromise());
    }

    void close() {
        if (!closed) {
            closed = true;
            router.unregister(streamId);
            capsules.close();
        }
    }
}
