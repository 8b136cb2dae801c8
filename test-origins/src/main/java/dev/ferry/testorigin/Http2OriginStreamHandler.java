package dev.ferry.testorigin;

import dev.ferry.testorigin.OriginRoutes.Kind;
import dev.ferry.testorigin.OriginRoutes.Route;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the {@link OriginRoutes} endpoints on one HTTP/2 stream (a child channel of {@code Http2MultiplexHandler}).
 *
 * <p>The stream channel runs with auto-read off. Reading a DATA frame is what returns its bytes to the peer's flow
 * control window, so the handler reads only while it wants the body and, for {@code /echo}, only while the stream
 * can take the echoed bytes: the client's upload then runs at the speed the client downloads. Generated bodies are
 * written while the stream channel is writable, which tracks the peer's flow control window.
 */
final class Http2OriginStreamHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Http2OriginStreamHandler.class);

    private final OriginRecorder recorder;
    private ChannelHandlerContext ctx;
    private Route route;
    private OriginRecorder.Entry record;
    private boolean requestDone;
    private final BodyDigest digest = new BodyDigest();
    private boolean generating;
    private long offset;

    Http2OriginStreamHandler(OriginRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame headers) {
                if (route == null) {
                    onHeaders(headers);
                } else if (headers.isEndStream()) {
                    onRequestEnd(); // request trailers: recorded as received, not otherwise used
                }
            } else if (msg instanceof Http2DataFrame data) {
                onData(data);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        maybeRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            if (generating) {
                pump();
            }
            maybeRead();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset) {
            log.debug("stream {} reset by peer: {}", ctx.channel(), reset.errorCode());
            generating = false;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        generating = false;
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP/2 origin stream {} failed", ctx.channel(), cause);
        generating = false;
        ctx.close();
    }

    private void onHeaders(Http2HeadersFrame frame) {
        Http2Headers in = frame.headers();
        List<RecordedRequest.Header> headers = new ArrayList<>(in.size());
        for (Map.Entry<CharSequence, CharSequence> h : in) {
            headers.add(new RecordedRequest.Header(h.getKey().toString(), h.getValue().toString()));
        }
        String method = String.valueOf(in.method());
        String target = String.valueOf(in.path());
        record = recorder.record(method, target, "2", headers);
        route = OriginRoutes.resolve(method, target, "2", headers);
        switch (route.kind()) {
            case FIXED, HOP_FIELDS -> {
                boolean empty = route.bodyless() || route.body().isEmpty();
                Http2Headers head = status(route.status());
                if (!route.bodyless()) {
                    head.set("content-type", OriginRoutes.CONTENT_TYPE_TEXT);
                    head.setLong("content-length", ByteBufUtil.utf8Bytes(route.body()));
                }
                if (route.kind() == Kind.HOP_FIELDS) {
                    // Connection-specific fields make an HTTP/2 message malformed (RFC 9113 8.2.2), so over
                    // HTTP/2 /hop-fields carries only its end-to-end field.
                    head.set(OriginRoutes.HOP_FIELDS_KEPT, "yes");
                }
                ctx.write(new DefaultHttp2HeadersFrame(head, empty));
                if (!empty) {
                    ctx.write(new DefaultHttp2DataFrame(ByteBufUtil.writeUtf8(ctx.alloc(), route.body()), true));
                }
            }
            case BYTES, DIE -> {
                Http2Headers head = status(200).set("content-type", OriginRoutes.CONTENT_TYPE_BYTES);
                if (!route.chunked()) {
                    head.setLong("content-length", route.kind() == Kind.DIE ? 2 * route.n() : route.n());
                }
                boolean empty = route.kind() == Kind.BYTES && route.n() == 0;
                ctx.write(new DefaultHttp2HeadersFrame(head, empty));
                generating = !empty;
                if (generating) {
                    pump();
                }
            }
            case ECHO -> {
                Http2Headers head = status(200);
                CharSequence type = in.get("content-type");
                head.set("content-type", type != null ? type : OriginRoutes.CONTENT_TYPE_BYTES);
                CharSequence length = in.get("content-length");
                if (length != null) {
                    head.set("content-length", length);
                }
                ctx.write(new DefaultHttp2HeadersFrame(head, false));
            }
            case TRAILERS -> {
                ctx.write(new DefaultHttp2HeadersFrame(status(200).set("content-type",
                        OriginRoutes.CONTENT_TYPE_TEXT), false));
                ctx.write(new DefaultHttp2DataFrame(ByteBufUtil.writeAscii(ctx.alloc(), "ok\n"), false));
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers()
                        .set("x-trailer-one", "1").set("x-checksum", "abc"), true));
            }
            case SINK, HANG -> {
                // SINK answers at the end of the body; HANG never answers
            }
        }
        ctx.flush();
        if (frame.isEndStream()) {
            onRequestEnd();
        }
    }

    private void onData(Http2DataFrame data) {
        if (route == null || requestDone) {
            return;
        }
        ByteBuf content = data.content();
        int n = content.readableBytes();
        record.addBodyBytes(n);
        if (route.kind() == Kind.SINK && n > 0) {
            digest.update(content);
        }
        if (route.kind() == Kind.ECHO && n > 0) {
            ctx.write(new DefaultHttp2DataFrame(content.retain(), false));
        }
        if (data.isEndStream()) {
            onRequestEnd();
        }
    }

    private void onRequestEnd() {
        if (requestDone) {
            return;
        }
        requestDone = true;
        record.complete();
        String count = Long.toString(record.bodyBytes());
        if (route.kind() == Kind.ECHO) {
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers()
                    .set(OriginRoutes.BODY_BYTES_HEADER, count), true));
            ctx.flush();
        } else if (route.kind() == Kind.SINK) {
            String body = count + "\n";
            ctx.write(new DefaultHttp2HeadersFrame(status(200).set("content-type", OriginRoutes.CONTENT_TYPE_TEXT)
                    .setInt("content-length", body.length()).set(OriginRoutes.BODY_BYTES_HEADER, count)
                    .set(BodyDigest.HEADER, digest.finish()), false));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(ByteBufUtil.writeAscii(ctx.alloc(), body), true));
        }
    }

    /** Writes generated bytes while the stream is writable; {@link #channelWritabilityChanged} resumes it. */
    private void pump() {
        long limit = route.n();
        while (generating && ctx.channel().isWritable()) {
            int len = (int) Math.min(PatternBytes.CHUNK_SIZE, limit - offset);
            ByteBuf chunk = PatternBytes.chunk(ctx.alloc(), offset, len);
            offset += len;
            boolean end = offset == limit;
            if (!end) {
                ctx.write(new DefaultHttp2DataFrame(chunk, false));
            } else if (route.kind() == Kind.BYTES) {
                generating = false;
                ctx.write(new DefaultHttp2DataFrame(chunk, true));
            } else {
                // /die: reset only after the n bytes left, or the reset would discard them from the flow controller
                generating = false;
                ctx.write(new DefaultHttp2DataFrame(chunk, false)).addListener(f -> {
                    if (ctx.channel().isActive()) {
                        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR))
                                .addListener(ChannelFutureListener.CLOSE);
                    }
                });
            }
        }
        ctx.flush();
    }

    /** Reads while the body is wanted; an echo reads only while the stream can take what it echoes. */
    private void maybeRead() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (route == null) {
            ctx.read(); // still waiting for the request HEADERS
            return;
        }
        boolean wants = !requestDone || route.kind() == Kind.HANG;
        if (wants && (route.kind() != Kind.ECHO || ctx.channel().isWritable())) {
            ctx.read();
        }
    }

    private static Http2Headers status(int code) {
        return new DefaultHttp2Headers().status(Integer.toString(code));
    }
}
