package dev.ferry.app.client;

import dev.ferry.bridge.tunnel.HttpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http3.Http3SettingIdentifier;
import io.netty.handler.codec.http3.Http3SettingsFrame;
import io.netty.handler.codec.quic.QuicDatagramExtensionEvent;
import io.netty.util.ReferenceCountUtil;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client's HTTP Datagram layer on one QUIC connection (RFC 9297 section 2.1). Netty's HTTP/3 codec only carries
 * the SETTINGS_H3_DATAGRAM value and raw QUIC DATAGRAM frames; demultiplexing by Quarter Stream ID and the check that
 * both sides negotiated datagrams are left to the application, so they live here, in the QUIC connection's pipeline.
 *
 * <p>A datagram is sent on a QUIC DATAGRAM frame only when the server announced SETTINGS_H3_DATAGRAM=1 and a
 * non-zero {@code max_datagram_frame_size}, and the encoded datagram fits the largest frame the connection can
 * write now ({@link QuicDatagramExtensionEvent}); otherwise {@link #trySend} refuses and the caller uses a DATAGRAM
 * capsule on the stream instead (RFC 9297 section 3.5).
 *
 * <p>Registration is thread-safe; sending happens on the connection's event loop.
 */
public final class Http3Datagrams extends ChannelInboundHandlerAdapter {

    /** Receives the HTTP Datagrams of one request stream. */
    public interface Receiver {
        /** One datagram; the receiver owns {@code payload} and releases it. */
        void onDatagram(long contextId, ByteBuf payload);
    }

    private final Map<Long, Receiver> receivers = new ConcurrentHashMap<>();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final ChannelFutureListener countFailure = f -> {
        if (!f.isSuccess()) {
            sendFailures.increment();
        }
    };
    private volatile ChannelHandlerContext ctx;
    private volatile int maxWritable;
    private volatile boolean peerH3Datagram;

    Http3Datagrams() {
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Routes datagrams for {@code streamId} (a client-initiated bidirectional stream) to {@code receiver}. */
    public void register(long streamId, Receiver receiver) {
        receivers.put(streamId, receiver);
    }

    /** Stops routing datagrams for {@code streamId}; later ones are dropped and counted. */
    public void unregister(long streamId) {
        receivers.remove(streamId);
    }

    /** True once the server has announced HTTP Datagram support and QUIC datagrams are negotiated. */
    public boolean negotiated() {
        return peerH3Datagram && maxWritable > 0;
    }

    /** The largest QUIC DATAGRAM payload the connection can send, 0 when the server takes none. */
    public int maxDatagramLength() {
        return maxWritable;
    }

    /**
     * Sends {@code payload} as an HTTP Datagram on a QUIC DATAGRAM frame if negotiated and small enough. Must be
     * called on the connection's event loop. Takes ownership of {@code payload} only when it returns true.
     */
    public boolean trySend(long streamId, long contextId, ByteBuf payload) {
        ChannelHandlerContext c = ctx;
        if (c == null || !negotiated()
                || HttpDatagram.overhead(streamId, contextId) + payload.readableBytes() > maxWritable) {
            return false;
        }
        c.writeAndFlush(HttpDatagram.encode(c.alloc(), streamId, contextId, payload)).addListener(countFailure);
        return true;
    }

    /** Datagrams received that were malformed or named a stream without a receiver. */
    public long dropped() {
        return dropped.sum();
    }

    /** Datagram writes that the QUIC stack refused (its send queue full, for example). */
    public long sendFailures() {
        return sendFailures.sum();
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
            Receiver receiver = receivers.get(datagram.streamId());
            if (receiver == null) {
                // RFC 9297 2.1: a datagram may race its stream's opening or closing; it is dropped.
                datagram.payload().release();
                dropped.increment();
                return;
            }
            receiver.onDatagram(datagram.contextId(), datagram.payload());
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof QuicDatagramExtensionEvent event) {
            maxWritable = event.maxLength();
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** A handler for the server's control stream that notes whether its SETTINGS enable HTTP Datagrams. */
    ChannelHandler settingsReader() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http3SettingsFrame settings) {
                    Long value = settings.settings().get(Http3SettingIdentifier.HTTP3_SETTINGS_H3_DATAGRAM.id());
                    peerH3Datagram = value != null && value == 1L;
                }
                ReferenceCountUtil.release(msg);
            }
        };
    }
}
