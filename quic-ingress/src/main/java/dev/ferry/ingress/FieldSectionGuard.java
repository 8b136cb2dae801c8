package dev.ferry.ingress;

import dev.ferry.bridge.tunnel.VarInt;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits in front of Netty's HTTP/3 frame codec on a request stream, so that an oversized field section costs one
 * stream and not the connection.
 *
 * <p>Netty's codec closes the whole QUIC connection with H3_EXCESSIVE_LOAD when a HEADERS frame is longer than
 * SETTINGS_MAX_FIELD_SECTION_SIZE, or decodes to more than that; every other request on the connection would die
 * with it. RFC 9114 4.2.2 expects a 431 for that one request instead. So this handler reads the frame layer itself
 * (type and length of each frame; DATA and other payloads pass through untouched, in the same buffers), holds each
 * HEADERS frame until it is whole, and lets it through only when {@link FieldSectionSize#upperBound} proves that
 * it decodes within the limit. Otherwise it drops the frame and everything after it and fires
 * {@link FieldSectionTooLarge}, which the stream's handler answers.
 */
final class FieldSectionGuard extends ChannelInboundHandlerAdapter {
    private static final long HEADERS_FRAME = 0x01;

    /** Fired towards the stream's handler when a field section was refused. */
    record FieldSectionTooLarge(boolean trailers, long limit) {
    }

    private final long limit;
    /** Bytes of a frame whose header or HEADERS payload is not complete yet. */
    private ByteBuf pending;
    /** Payload bytes of the current non-HEADERS frame still to pass through. */
    private long passing;
    private int headerSections;
    private boolean refused;

    FieldSectionGuard(long limit) {
        this.limit = limit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (refused) {
            in.release();
            return;
        }
        boolean own = pending != null;
        ByteBuf buf = in;
        if (own) {
            pending.writeBytes(in);
            in.release();
            buf = pending;
            pending = null;
        }
        int start = buf.readerIndex();
        boolean refuse = scan(buf);
        int scanned = buf.readerIndex() - start;
        if (!refuse && !buf.isReadable()) {
            buf.readerIndex(start);
            ctx.fireChannelRead(buf);
            return;
        }
        if (scanned > 0) {
            // Frames before the refused or incomplete one go on as they are.
            ctx.fireChannelRead(buf.retainedSlice(start, scanned));
        }
        if (refuse) {
            buf.release();
            refuse(ctx);
            return;
        }
        // Keep the incomplete tail (a frame header, or a HEADERS frame still arriving) for the next read.
        if (own && scanned == 0) {
            // Nothing of it went on, so the buffer is still ours alone: keep appending to it.
            pending = buf;
        } else {
            pending = ctx.alloc().buffer(Math.max(buf.readableBytes(), 256));
            pending.writeBytes(buf);
            buf.release();
        }
    }

    /**
     * Advances {@code buf}'s reader index over every complete frame (and partial non-HEADERS payload), stopping at
     * an incomplete frame header or HEADERS frame. Returns true, with the reader index at the start of the frame, when
     * a HEADERS frame is over the limit.
     */
    private boolean scan(ByteBuf buf) {
        while (buf.isReadable()) {
            if (passing > 0) {
                int n = (int) Math.min(passing, buf.readableBytes());
                buf.skipBytes(n);
                passing -= n;
                continue;
            }
            int frameStart = buf.readerIndex();
            long type = VarInt.read(buf);
            long length = type < 0 ? -1 : VarInt.read(buf);
            if (length < 0) {
                buf.readerIndex(frameStart);
                return false;
            }
            if (type != HEADERS_FRAME) {
                passing = length;
                continue;
            }
            if (length > limit) {
                buf.readerIndex(frameStart);
                return true;
            }
            if (buf.readableBytes() < length) {
                buf.readerIndex(frameStart);
                return false;
            }
            long bound = FieldSectionSize.upperBound(buf, buf.readerIndex(), (int) length, limit);
            if (bound > limit) {
                buf.readerIndex(frameStart);
                return true;
            }
            headerSections++;
            buf.skipBytes((int) length);
        }
        return false;
    }

    private void refuse(ChannelHandlerContext ctx) {
        refused = true;
        ctx.fireUserEventTriggered(new FieldSectionTooLarge(headerSections > 0, limit));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        ReferenceCountUtil.release(pending);
        pending = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ReferenceCountUtil.release(pending);
        pending = null;
        ctx.fireChannelInactive();
    }
}
