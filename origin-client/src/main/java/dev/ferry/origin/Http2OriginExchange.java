package dev.ferry.origin;

import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.headers.OriginRequestTranslator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.Map;

/**
 * One exchange on an HTTP/2 stream to the origin. Sits in the stream channel's pipeline; reading pauses (and with
 * it the stream's flow-control credit) while the client cannot take more.
 */
final class Http2OriginExchange extends OriginStreamExchange {
    private final RequestHead request;
    private final boolean tls;
    private Http2StreamChannel stream;
    /** Opens this exchange again on a fresh stream (and connection when needed); null when not retryable. */
    private Runnable reopen;
    /** Times this request was sent again after the origin provably left it unprocessed. */
    private int retries;
    /** RFC 9113 6.8 lets an unprocessed request be sent again; a bound keeps a broken origin from looping. */
    private static final int MAX_RETRIES = 3;
    private boolean bodySent;
    private HttpHeaders sentTrailers;

    Http2OriginExchange(String originName, RequestHead request, OriginListener listener, boolean tls) {
        super(originName, listener);
        this.request = request;
        this.tls = tls;
    }

    /** Re-added to a new stream when a refused request is sent again; never in two pipelines at once. */
    @Override
    public boolean isSharable() {
        return true;
    }

    /** How to open this exchange again if the origin refuses the stream unprocessed (see {@link #retryRefused}). */
    void reopenWith(Runnable reopen) {
        this.reopen = reopen;
    }

    void attach(Http2StreamChannel ch) {
        if (done) {
            ch.close();
            return;
        }
        stream = ch;
        channel = ch;
        ch.config().setAutoRead(reading);
        // Frames a paused stream holds are dropped if the connection closes first (an origin closing after GOAWAY,
        // say), although the response may be complete: read them out before that happens.
        ch.parent().closeFuture().addListener(f -> {
            if (stream == ch && !done && !reading) {
                ch.config().setAutoRead(true);
                ch.read();
            }
        });
        boolean endWithHead = pendingIsHeadOnly();
        ch.write(new DefaultHttp2HeadersFrame(requestHeaders(), endWithHead));
        listener.onRequestSent();
        if (endWithHead) {
            // END_STREAM rode on the HEADERS frame.
            requestComplete = true;
        } else {
            sendPending();
        }
        ch.flush();
        listener.onOriginWritabilityChanged();
    }

    private Http2Headers requestHeaders() {
        Http2Headers h = new DefaultHttp2Headers(false);
        h.method(request.method());
        if (!request.isConnect() || request.protocol() != null) {
            h.scheme(request.scheme() != null ? request.scheme() : (tls ? "https" : "http"));
            h.path(request.path());
        }
        if (request.authority() != null) {
            h.authority(request.authority());
        }
        if (request.protocol() != null) {
            h.set(Http2Headers.PseudoHeaderName.PROTOCOL.value(), request.protocol());
        }
        for (Map.Entry<String, String> field : OriginRequestTranslator.toHttp2(request)) {
            h.add(field.getKey(), field.getValue());
        }
        return h;
    }

    @Override
    protected void sendBody(ByteBuf data) {
        bodySent |= data.isReadable();
        stream.write(new DefaultHttp2DataFrame(data, false));
        flushAtEndOfTurn();
    }

    @Override
    protected void sendEnd(HttpHeaders trailers) {
        finishRequest(trailers);
    }

    private void finishRequest(HttpHeaders trailers) {
        requestComplete = true;
        sentTrailers = trailers;
        if (trailers != null && !trailers.isEmpty()) {
            Http2Headers h = new DefaultHttp2Headers(false);
            for (Map.Entry<String, String> field : trailers) {
                h.add(field.getKey(), field.getValue());
            }
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
        } else {
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
        }
    }

    // ---- inbound ---------------------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof Http2HeadersFrame frame) {
            onHeaders(frame);
        } else if (msg instanceof Http2DataFrame frame) {
            if (frame.content().isReadable()) {
                listener.onResponseBody(frame.content().retain());
            }
            boolean end = frame.isEndStream();
            frame.release();
            if (end) {
                finishResponse(null);
            }
        } else if (msg instanceof Http2ResetFrame reset) {
            onReset(reset);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * RFC 9113 8.7 and 6.8: a stream refused with REFUSED_STREAM, or above the last stream id of a GOAWAY, was not
     * processed by the origin, so the request may be sent again on a new stream, up to {@value #MAX_RETRIES} times.
     * Only while nothing of the
     * response has come and no request body bytes have left (they are streamed, not kept, so they could not be
     * sent again).
     */
    private boolean retryRefused() {
        if (retries >= MAX_RETRIES || reopen == null || responseStarted || bodySent || done) {
            return false;
        }
        retries++;
        Http2StreamChannel refused = stream;
        if (refused.pipeline().get(Http2OriginExchange.class) == this) {
            refused.pipeline().remove(this);
        }
        refused.close();
        stream = null;
        channel = null;
        if (requestComplete) {
            requestComplete = false;
            pending.end(sentTrailers);
        }
        // Later in this loop turn, not now: a GOAWAY reaches the streams before the connection learns of it, and
        // the new stream must not be opened on the connection that is going away.
        refused.eventLoop().execute(reopen);
        return true;
    }

    /** RST_STREAM from the origin: REFUSED_STREAM is sent again once, anything else fails the exchange. */
    private void onReset(Http2ResetFrame reset) {
        if (done) {
            return;
        }
        if (reset.errorCode() == Http2Error.REFUSED_STREAM.code() && retryRefused()) {
            return;
        }
        failExchange(OriginFailures.exchangeFailed(originName,
                new java.io.IOException("origin reset the stream, HTTP/2 error " + reset.errorCode()),
                responseStarted));
    }

    /**
     * The stream closed without a response. If the origin provably never processed it (the connection's GOAWAY
     * named a lower last stream id, or the stream never got an id because it waited for a concurrency slot and the
     * connection went away first), the request is sent again; otherwise it failed.
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done && !responseStarted && stream != null && unprocessedByGoAway(stream) && retryRefused()) {
            return;
        }
        super.channelInactive(ctx);
    }

    private static boolean unprocessedByGoAway(Http2StreamChannel ch) {
        int id = ch.stream().id();
        if (id <= 0) {
            return true;
        }
        // Netty records the GOAWAY's last stream id before it closes the streams above it, which is how this
        // stream came to close; the frame itself reaches the pipeline only afterwards.
        io.netty.handler.codec.http2.Http2Connection connection = Http2OriginConnection.http2Connection(ch.parent());
        return connection != null && connection.goAwayReceived() && id > connection.local().lastStreamKnownByPeer();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset) {
            // Netty's multiplexer hands a stream's RST_STREAM to it as a user event, not as a read.
            onReset(reset);
            return;
        }
        if (evt instanceof Http2GoAwayFrame goAway) {
            // Netty tells the streams above the GOAWAY's last stream id: the origin will never process them.
            boolean unprocessed = stream != null && stream.stream().id() > goAway.lastStreamId();
            goAway.release();
            if (unprocessed && retryRefused()) {
                return;
            }
            if (unprocessed && !done) {
                failExchange(OriginFailures.exchangeFailed(originName,
                        new java.io.IOException("origin sent GOAWAY before processing the stream"), false));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void onHeaders(Http2HeadersFrame frame) {
        Http2Headers headers = frame.headers();
        if (!responseStarted) {
            if (reportHead(headers.status(), regularFields(headers), "2") && frame.isEndStream()) {
                finishResponse(null);
            }
            return;
        }
        finishResponse(regularFields(headers));
    }

    private void finishResponse(HttpHeaders trailers) {
        markDone();
        if (!requestComplete && stream.isActive()) {
            // The origin is done; it does not want the rest of the request body.
            stream.close();
        }
        listener.onResponseEnd(trailers);
    }
}
