package dev.ferry.http3;

import dev.ferry.bridge.transport.TurnFlush;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http3.Http3SettingsFrame;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicDatagramExtensionEvent;
import io.netty.util.ReferenceCountUtil;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP Datagram layer of one QUIC connection (RFC 9297 section 2.1), which Netty leaves to us, used alike by
 * the relay and by Ferry's client: QUIC DATAGRAM frames are demultiplexed by their quarter stream ID to the
 * request stream that owns the flow, and sent with it. Sits in the QUIC connection's pipeline after the HTTP/3
 * connection handler, from the start: the QUIC codec reports the peer's datagram limit once, at handshake.
 *
 * <p>Datagrams are sent on QUIC only when both sides negotiated them: the peer's {@code max_datagram_frame_size}
 * (learned from {@link QuicDatagramExtensionEvent}) and its SETTINGS_H3_DATAGRAM (reported through
 * {@link #peerSettings}). Otherwise {@link #send} refuses and the caller uses a DATAGRAM capsule; a payload too
 * large for one DATAGRAM frame on a connection that has them is dropped (RFC 9297 3.5, RFC 9298 5).
 */
public final class Http3DatagramRouter extends ChannelInboundHandlerAdapter {
    /** A request stream in datagram mode. */
    public interface Flow {
        /** One HTTP Datagram for this stream; takes ownership of the payload. */
        void onQuicDatagram(long contextId, ByteBuf payload);
    }

    private final Map<Long, Flow> flows = new ConcurrentHashMap<>();
    private final LongAdder dropped;
    private final LongAdder sendFailures = new LongAdder();
    private final ChannelFutureListener countFailure = f -> {
        if (!f.isSuccess()) {
            sendFailures.increment();
        }
    };
    private volatile ChannelHandlerContext ctx;
    /** Datagrams written in one loop turn reach quiche together, to leave in one batch of packets. */
    private TurnFlush flush;
    private volatile int peerMaxDatagramLength;
    private volatile boolean peerH3Datagram;

    /** @param dropped counts datagrams that were malformed or named no open stream (shared by a listener) */
    public Http3DatagramRouter(LongAdder dropped) {
        this.dropped = dropped;
    }

    public Http3DatagramRouter() {
        this(new LongAdder());
    }

    /** The router of the connection {@code channel} belongs to (a QUIC connection or one of its streams), or null. */
    public static Http3DatagramRouter of(Channel channel) {
        Channel connection = channel instanceof QuicChannel ? channel : channel.parent();
        return connection == null ? null : connection.pipeline().get(Http3DatagramRouter.class);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.flush = new TurnFlush(ctx, ctx.executor());
        this.ctx = ctx;
    }

    /** Routes datagrams for {@code streamId} (a client-initiated bidirectional stream) to {@code flow}. */
    public void register(long streamId, Flow flow) {
        flows.put(streamId, flow);
    }

    /** Stops routing datagrams for {@code streamId}; later ones are dropped and counted. */
    public void unregister(long streamId) {
        flows.remove(streamId);
    }

    /** Records whether the peer's SETTINGS enabled HTTP Datagrams. */
    public void peerSettings(boolean h3Datagram) {
        this.peerH3Datagram = h3Datagram;
    }

    /**
     * A handler for the peer's control stream that reports its SETTINGS_H3_DATAGRAM here; for a client, whose
     * server needs no further check ({@link PeerSettingsHandler} does the server's).
     */
    public ChannelHandler settingsReader() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http3SettingsFrame settings) {
                    Long value = settings.settings().get(Http3Codes.SETTINGS_H3_DATAGRAM);
                    peerSettings(value != null && value == 1L);
                }
                ReferenceCountUtil.release(msg);
            }
        };
    }

    /** True once the peer announced HTTP Datagram support and QUIC datagrams are negotiated. */
    public boolean negotiated() {
        return peerH3Datagram && peerMaxDatagramLength > 0;
    }

    /** The peer's largest DATAGRAM frame payload, 0 when it takes none. */
    public int maxDatagramLength() {
        return peerMaxDatagramLength;
    }

    /** Datagrams received that were malformed or named a stream without a flow. */
    public long dropped() {
        return dropped.sum();
    }

    /** Datagram writes that the QUIC stack refused (its send queue full, for example). */
    public long sendFailures() {
        return sendFailures.sum();
    }

    /** What {@link #send} did with a payload. */
    public enum Sent {
        /** On a QUIC DATAGRAM frame. */
        SENT,
        /** Dropped and released: too large for one of the peer's DATAGRAM frames (RFC 9297 3.5, RFC 9298 5). */
        TOO_LARGE,
        /** Not taken: the connection has no HTTP Datagrams (yet), so the caller sends a DATAGRAM capsule. */
        NOT_NEGOTIATED
    }

    /**
     * Sends {@code payload} as an HTTP Datagram on a QUIC DATAGRAM frame when both sides negotiated them. Call on
     * the connection's event loop. A payload too large for one frame is dropped, never left to be carried as a
     * capsule: a capsule would deliver it reliably and so mislead the endpoints' path MTU discovery. Takes
     * ownership unless it returns {@link Sent#NOT_NEGOTIATED}. The datagram is flushed at the end of the loop's
     * turn, with every other one written in it.
     */
    public Sent send(long streamId, long contextId, ByteBuf payload) {
        ChannelHandlerContext c = ctx;
        if (c == null || !negotiated()) {
            return Sent.NOT_NEGOTIATED;
        }
        if (HttpDatagram.overhead(streamId, contextId) + payload.readableBytes() > peerMaxDatagramLength) {
            payload.release();
            return Sent.TOO_LARGE;
        }
        c.write(HttpDatagram.encode(c.alloc(), streamId, contextId, payload)).addListener(countFailure);
        flush.request();
        return Sent.SENT;
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
                dropped.increment();
                return;
            }
            Flow flow = flows.get(datagram.streamId());
            if (flow == null) {
                // RFC 9297 2.1: datagrams for streams not (or no longer) open are dropped; they may race the stream.
                datagram.payload().release();
                dropped.increment();
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
