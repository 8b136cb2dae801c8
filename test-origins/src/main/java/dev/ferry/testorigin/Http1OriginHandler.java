package dev.ferry.testorigin;

import dev.ferry.testorigin.OriginRoutes.Kind;
import dev.ferry.testorigin.OriginRoutes.Route;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the {@link OriginRoutes} endpoints over HTTP/1.1, one exchange at a time per connection.
 *
 * <p>The channel runs with auto-read off: the handler asks for more bytes only while it wants them (waiting for a
 * request head, or taking a body) and, for {@code /echo}, only while the channel is writable, so an upload is read
 * no faster than it is echoed. Generated bodies are written while the channel is writable and resumed from
 * {@link #channelWritabilityChanged}. Pipelined requests wait in {@link #pending} until the current exchange ends.
 */
final class Http1OriginHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Http1OriginHandler.class);

    /** One request/response pair; both sides must finish before the next request is served. */
    private static final class Exchange {
        final Route route;
        final OriginRecorder.Entry record;
        final boolean keepAlive;
        boolean requestDone;
        boolean responseDone;
        boolean echoChunked;
        long offset;
        boolean generating;
        final BodyDigest digest = new BodyDigest();

        Exchange(Route route, OriginRecorder.Entry record, boolean keepAlive) {
            this.route = route;
            this.record = record;
            this.keepAlive = keepAlive;
        }
    }

    private final OriginRecorder recorder;
    private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange current;
    private ChannelFuture lastWrite;
    private boolean draining;

    Http1OriginHandler(OriginRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setAutoRead(false);
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject obj)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        pending.add(obj);
        drain();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        maybeRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            if (current != null && current.generating) {
                pump();
            }
            maybeRead();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null) {
            current.generating = false;
            current = null;
        }
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP/1.1 origin connection {} failed", ctx.channel(), cause);
        ctx.close();
    }

    private void drain() {
        if (draining) {
            return; // the outer loop picks up what a nested finish made ready
        }
        draining = true;
        try {
            while (!pending.isEmpty() && ctx.channel().isActive()) {
                if (pending.peek() instanceof HttpRequest && current != null) {
                    return;
                }
                HttpObject msg = pending.poll();
                if (msg instanceof HttpRequest req && !onRequest(req)) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                if (msg instanceof HttpContent content) {
                    onContent(content);
                }
            }
        } finally {
            draining = false;
        }
    }

    private boolean onRequest(HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            log.debug("bad HTTP/1.1 request on {}", ctx.channel(), req.decoderResult().cause());
            pending.forEach(ReferenceCountUtil::release);
            pending.clear();
            ctx.writeAndFlush(Http1Responses.fixed(400, "400 bad request\n", false))
                    .addListener(ChannelFutureListener.CLOSE);
            return false;
        }
        List<RecordedRequest.Header> headers = new ArrayList<>(req.headers().size());
        for (Map.Entry<String, String> h : req.headers()) {
            headers.add(new RecordedRequest.Header(h.getKey(), h.getValue()));
        }
        String method = req.method().name();
        OriginRecorder.Entry record = recorder.record(method, req.uri(), "1.1", headers);
        Route route = OriginRoutes.resolve(method, req.uri(), "1.1", headers);
        Exchange ex = new Exchange(route, record, HttpUtil.isKeepAlive(req));
        current = ex;
        switch (route.kind()) {
            case FIXED -> {
                write(Http1Responses.fixed(route.status(), route.body(), ex.keepAlive));
                ex.responseDone = true;
            }
            case HOP_FIELDS -> {
                write(Http1Responses.hopFields(route.body(), ex.keepAlive));
                ex.responseDone = true;
            }
            case BYTES, DIE -> {
                HttpResponse head = Http1Responses.head(OriginRoutes.CONTENT_TYPE_BYTES, ex.keepAlive);
                if (route.chunked()) {
                    HttpUtil.setTransferEncodingChunked(head, true);
                } else {
                    HttpUtil.setContentLength(head, route.kind() == Kind.DIE ? 2 * route.n() : route.n());
                }
                write(head);
                ex.generating = true;
                pump();
            }
            case ECHO -> {
                String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, OriginRoutes.CONTENT_TYPE_BYTES);
                HttpResponse head = Http1Responses.head(type, ex.keepAlive);
                if (HttpUtil.isContentLengthSet(req)) {
                    HttpUtil.setContentLength(head, HttpUtil.getContentLength(req));
                } else {
                    HttpUtil.setTransferEncodingChunked(head, true);
                    ex.echoChunked = true;
                }
                write(head);
                ctx.flush();
            }
            case TRAILERS -> {
                HttpResponse head = Http1Responses.head(OriginRoutes.CONTENT_TYPE_TEXT, ex.keepAlive);
                HttpUtil.setTransferEncodingChunked(head, true);
                write(head);
                write(new DefaultHttpContent(Unpooled.copiedBuffer("ok\n", StandardCharsets.US_ASCII)));
                LastHttpContent last = new DefaultLastHttpContent();
                last.trailingHeaders().add("x-trailer-one", "1").add("x-checksum", "abc");
                write(last);
                ex.responseDone = true;
            }
            case SINK, HANG -> {
                // SINK answers at the end of the body; HANG never answers
            }
        }
        return true;
    }

    private void onContent(HttpContent content) {
        Exchange ex = current;
        int n = content.content().readableBytes();
        boolean last = content instanceof LastHttpContent;
        if (ex == null || ex.requestDone) {
            content.release();
            return;
        }
        ex.record.addBodyBytes(n);
        if (ex.route.kind() == Kind.SINK && n > 0) {
            ex.digest.update(content.content());
        }
        if (ex.route.kind() == Kind.ECHO && n > 0) {
            write(new DefaultHttpContent(content.content().retain()));
        }
        content.release();
        if (!last) {
            return;
        }
        ex.record.complete();
        ex.requestDone = true;
        if (ex.route.kind() == Kind.ECHO) {
            LastHttpContent end = new DefaultLastHttpContent();
            if (ex.echoChunked) {
                end.trailingHeaders().set(OriginRoutes.BODY_BYTES_HEADER, Long.toString(ex.record.bodyBytes()));
            }
            write(end);
            ex.responseDone = true;
        } else if (ex.route.kind() == Kind.SINK) {
            HttpResponse res = Http1Responses.fixed(200, ex.record.bodyBytes() + "\n", ex.keepAlive);
            res.headers().set(OriginRoutes.BODY_BYTES_HEADER, Long.toString(ex.record.bodyBytes()));
            res.headers().set(BodyDigest.HEADER, ex.digest.finish());
            write(res);
            ex.responseDone = true;
        }
        maybeFinish();
    }

    /** Writes generated bytes while the channel is writable; {@link #channelWritabilityChanged} resumes it. */
    private void pump() {
        Exchange ex = current;
        long limit = ex.route.n();
        while (ex.generating && ctx.channel().isWritable()) {
            int len = (int) Math.min(PatternBytes.CHUNK_SIZE, limit - ex.offset);
            if (len > 0) {
                write(new DefaultHttpContent(PatternBytes.chunk(ctx.alloc(), ex.offset, len)));
                ex.offset += len;
            }
            if (ex.offset == limit) {
                ex.generating = false;
                if (ex.route.kind() == Kind.DIE) {
                    ctx.flush();
                    lastWrite.addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                write(LastHttpContent.EMPTY_LAST_CONTENT);
                ex.responseDone = true;
                ctx.flush();
                maybeFinish();
                return;
            }
        }
        ctx.flush();
    }

    private void maybeFinish() {
        Exchange ex = current;
        if (ex == null || !ex.requestDone || !ex.responseDone) {
            return;
        }
        current = null;
        ctx.flush();
        if (!ex.keepAlive) {
            lastWrite.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        drain();
        maybeRead();
    }

    /** Asks for more bytes when the exchange wants them and, for echo, when the echo can be written. */
    private void maybeRead() {
        Exchange ex = current;
        boolean hang = ex != null && ex.route.kind() == Kind.HANG; // keep reading to notice the client leaving
        if (!ctx.channel().isActive() || (!pending.isEmpty() && !hang)) {
            return;
        }
        boolean wants = ex == null || !ex.requestDone || hang;
        boolean canWrite = ex == null || ex.route.kind() != Kind.ECHO || ctx.channel().isWritable();
        if (wants && canWrite) {
            ctx.read();
        }
    }

    private void write(Object msg) {
        lastWrite = ctx.write(msg);
    }
}
