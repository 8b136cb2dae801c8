package dev.ferry.http3;

import dev.ferry.bridge.transport.TurnFlush;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamFrame;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;

/**
 * Joins the encoded frames one event-loop turn writes on a QUIC stream into one stream write, so that they leave in
 * one packet. Netty's QUIC stream hands every write to quiche at once and makes quiche build and send packets right
 * after it (a stream's flush does nothing): a response's HEADERS, DATA and FIN, written one after another, would
 * otherwise cost three packets and three system calls, and a burst of capsules one packet each however small.
 *
 * <p>Sits next to the head of a stream's pipeline, below the HTTP/3 frame codec, and holds the codec's output
 * until the end of the turn (a task on the loop), or until {@link #MAX_HELD_BYTES} are held: larger writes gain
 * nothing from joining, and holding them would hide the stream's flow-control state from whoever checks
 * {@code isWritable()}. Order is kept: a close, and the FIN of {@link Http3StreamFin}, go after what is held.
 */
public final class StreamWriteCoalescer extends ChannelOutboundHandlerAdapter {
    /** Bytes held before they are written at once: about a dozen full packets. */
    public static final int MAX_HELD_BYTES = 16 * 1024;

    private final List<Object> held = new ArrayList<>(4);
    private final List<ChannelPromise> promises = new ArrayList<>(4);
    private int heldBytes;
    private ChannelHandlerContext ctx;
    private TurnFlush endOfTurn;

    /** The coalescer of {@code stream}, or null when it has none. */
    public static StreamWriteCoalescer of(QuicStreamChannel stream) {
        return stream.pipeline().get(StreamWriteCoalescer.class);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // The "flush" that ends a turn is this handler's own: it writes what is held.
        this.endOfTurn = new TurnFlush(this::drain, ctx.executor());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf) && !(msg instanceof QuicStreamFrame)) {
            drain();
            ctx.write(msg, promise);
            return;
        }
        held.add(msg);
        promises.add(promise);
        heldBytes += content(msg).readableBytes();
        if (heldBytes >= MAX_HELD_BYTES || isFin(msg)) {
            // Nothing may follow a FIN, so it ends the batch; a large batch goes at once.
            drain();
        } else {
            endOfTurn.request();
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        // A flush asks for nothing sooner than the end of the turn: the stream would not send any sooner anyway.
        if (!held.isEmpty()) {
            endOfTurn.request();
        }
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        drain();
        ctx.close(promise);
    }

    /** Writes {@code fin} (a frame with the FIN bit) after everything held, in the same stream write. */
    public void writeFin(QuicStreamFrame fin, ChannelPromise promise) {
        write(ctx, fin, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        drain();
    }

    /** Writes what is held: as it is when it is one message, else joined into one buffer. */
    private void drain() {
        int count = held.size();
        if (count == 0) {
            return;
        }
        if (count == 1) {
            Object msg = held.get(0);
            ChannelPromise promise = promises.get(0);
            clear();
            ctx.write(msg, promise);
            return;
        }
        boolean fin = isFin(held.get(count - 1));
        ByteBuf joined = ctx.alloc().directBuffer(heldBytes);
        for (Object msg : held) {
            ByteBuf content = content(msg);
            joined.writeBytes(content, content.readerIndex(), content.readableBytes());
            ReferenceCountUtil.release(msg);
        }
        List<ChannelPromise> waiting = new ArrayList<>(promises);
        clear();
        ChannelPromise written = ctx.newPromise();
        written.addListener(f -> {
            for (ChannelPromise p : waiting) {
                if (f.isSuccess()) {
                    p.trySuccess();
                } else {
                    p.tryFailure(f.cause());
                }
            }
        });
        ctx.write(fin ? new DefaultQuicStreamFrame(joined, true) : joined, written);
    }

    private void clear() {
        held.clear();
        promises.clear();
        heldBytes = 0;
    }

    private static ByteBuf content(Object msg) {
        return msg instanceof QuicStreamFrame frame ? frame.content() : (ByteBuf) msg;
    }

    private static boolean isFin(Object msg) {
        return msg instanceof QuicStreamFrame frame && frame.hasFin();
    }
}
