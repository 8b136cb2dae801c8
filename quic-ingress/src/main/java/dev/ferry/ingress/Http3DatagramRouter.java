package dev.ferry.ingress;

import dev.ferry.bridge.tunnel.HttpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicDatagramExtensionEvent;
import io.netty.util.ReferenceCountUtil;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP Datagram layer of one QUIC connection (RFC 9297 section 2.1), which Netty leaves to us: QUIC DATAGRAM
 * frames are demultiplexed by their quarter stream ID to the request stream that owns the flow, and sent with it.
 * Sits in the QUIC connection's pipeline after the HTTP/3 connection handler; touched only on its event loop.
 *
 * <p>Datagrams are sent on QUIC only when both sides negotiated them: our transport parameter and H3_DATAGRAM
 * setting, the peer's {@code max_datagram_frame_size} (learned from {@link QuicDatagramExtensionEvent}) and its
 * H3_DATAGRAM setting ({@link PeerSettingsHandler}).
 */
final class Http3DatagramRouter extends ChannelInboundHandlerAdapter {

    /** A request stream in datagram mode. */
    interface Flow {
        /** One HTTP Datagram for this stream; takes ownership of the payload. */
        void onQuicDatagram(long contextId, ByteBuf payload);
    }

    private final Map<Long, Flow> flows = new HashMap<>();
    private final LongAdder droppedUnknownStream;
    private ChannelHandlerContext ctx;
    private int peerMaxDatagramLength;
    private boolean peerH3Datagram;

    Http3DatagramRouter(LongAdder droppedUnknownStream) {
        this.droppedUnknownStream = droppedUnknownStream;
    }

    /** The router of the connection {@code stream} belongs to, or null when datagrams are off. */
    static Http3DatagramRouter of(Channel stream) {
        Channel connection = stream instanceof QuicChannel ? stream : stream.parent();
        return connection == null ? null : connection.pipeline().get(Http3DatagramRouter.class);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void register(long streamId, Flow flow) {
        flows.put(streamId, flow);
    }

    void unregister(long streamId) {
        flows.remove(streamId);
    }

    void peerSettings(boolean h3Datagram) {
        this.peerH3Datagram = h3Datagram;
    }

    /** The peer's largest DATAGRAM frame payload, 0 when it takes none. */
    int peerMaxDatagramLength() {
        return peerMaxDatagramLength;
    }

    /**
     * Sends {@code payload} as an HTTP Datagram on a QUIC DATAGRAM frame when negotiated and small enough.
     * Takes ownership only when it returns true; otherwise the caller sends it another way.
     */
    boolean trySend(long streamId, ByteBuf payload) {
        if (!peerH3Datagram || peerMaxDatagramLength == 0
                || HttpDatagram.overhead(streamId, 0) + payload.readableBytes() > peerMaxDatagramLength) {
            return false;
        }
        ctx.writeAndFlush(HttpDatagram.encode(ctx.alloc(), streamId, 0, payload), ctx.voidPromise());
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            HttpDatagram.Decoded datagram = HttpDatagram.decode(frame);
            if (datagram == null) {
                droppedUnknownStream.increment();
                return;
            }
            Flow flow = flows.get(datagram.streamId());
            if (flow == null) {
                // RFC 9297 2.1: datagrams for streams not (or no longer) open are dropped; they may race the stream.
                datagram.payload().release();
                droppedUnknownStream.increment();
                return;
            }
            flow.onQuicDatagram(datagram.contextId(), datagram.payload());
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof QuicDatagramExtensionEvent event) {
            peerMaxDatagramLength = event.maxLength();
        }
        ctx.fireUserEventTriggered(evt);
    }
}
