package dev.ferry.http3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;

/**
 * Ends the sending side of an HTTP/3 stream with a FIN that cannot get stuck.
 *
 * <p>{@link QuicStreamChannel#shutdownOutput()} hands quiche a zero-length STREAM frame with the FIN bit. Under
 * load (many streams, congestion window full) such a FIN was seen to stay unsent until the idle timeout, while
 * FINs riding on bytes went out fine. So the FIN is carried by a reserved HTTP/3 frame of zero length (type
 * 0x21, RFC 9114 7.2.8), which every receiver must ignore and which makes the STREAM frame non-empty. It is
 * written below the frame codec, behind every frame already written on the stream: through the stream's
 * {@link StreamWriteCoalescer} when it has one, which then sends it in one write with the frames it holds.
 */
public final class Http3StreamFin {
    /** Reserved frame type 0x1f * 0 + 0x21 and a zero length: two bytes a peer skips. */
    private static final byte[] RESERVED_EMPTY_FRAME = {0x21, 0x00};

    private Http3StreamFin() {
    }

    /** Writes and flushes the FIN on {@code stream}; it follows every frame written before. */
    public static ChannelFuture send(QuicStreamChannel stream) {
        ByteBuf frame = stream.alloc().directBuffer(RESERVED_EMPTY_FRAME.length).writeBytes(RESERVED_EMPTY_FRAME);
        DefaultQuicStreamFrame fin = new DefaultQuicStreamFrame(frame, true);
        StreamWriteCoalescer coalescer = StreamWriteCoalescer.of(stream);
        if (coalescer == null) {
            return stream.pipeline().firstContext().writeAndFlush(fin);
        }
        // Behind the frames the coalescer holds, and in the same stream write as they.
        ChannelPromise promise = stream.newPromise();
        if (stream.eventLoop().inEventLoop()) {
            coalescer.writeFin(fin, promise);
        } else {
            stream.eventLoop().execute(() -> coalescer.writeFin(fin, promise));
        }
        return promise;
    }
}
