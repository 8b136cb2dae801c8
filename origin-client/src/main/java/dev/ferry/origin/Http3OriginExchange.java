package dev.ferry.origin;

import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.headers.OriginRequestTranslator;
import dev.ferry.http3.Http3StreamFin;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.Map;

/**
 * One exchange on an HTTP/3 request stream to the origin. Sits in the stream channel's pipeline, behind Netty's
 * HTTP/3 frame codec; reading pauses (and with it the stream's flow-control credit) while the client cannot take
 * more. The request ends with a FIN that rides on a frame ({@link Http3StreamFin}).
 */
final class Http3OriginExchange extends OriginStreamExchange {
    /** Times one exchange is sent again on a new stream after its stream ended unanswered. */
    private static final int MAX_RETRIES = 3;

    private final RequestHead request;
    private QuicStreamChannel stream;
    private HttpHeaders trailers;
    /** Opens this exchange again on a fresh stream (a new connection after GOAWAY); null when not retryable. */
    private Runnable reopen;
    private int retries;
    private boolean bodySent;
    private HttpHeaders sentTrailers;

    Http3OriginExchange(String originName, RequestHead request, OriginListener listener) {
        super(originName, listener);
        this.request = request;
    }

    /**
     * One exchange, but on more than one stream in its life when it is sent again ({@link #retryUnanswered}); it
     * is removed from the old stream's pipeline first, so it is never in two at once.
     */
    @Override
    public boolean isSharable() {
        return true;
    }

    /** How to open this exchange again if its stream ends before any answer (see {@link #retryUnanswered}). */
    void reopenWith(Runnable reopen) {
        this.reopen = reopen;
    }

    void attach(QuicStreamChannel ch) {
        if (done) {
            ch.close();
            return;
        }
        stream = ch;
        channel = ch;
        ch.config().setAutoRead(reading);
        ch.write(new DefaultHttp3HeadersFrame(requestHeaders()));
        listener.onRequestSent();
        sendPending();
        ch.flush();
        listener.onOriginWritabilityChanged();
    }

    private Http3Headers requestHeaders() {
        Http3Headers h = new DefaultHttp3Headers(false);
        h.method(request.method());
        h.scheme("https");
        h.path(request.path());
        if (request.authority() != null) {
            h.authority(request.authority());
        }
        for (Map.Entry<String, String> field : OriginRequestTranslator.toHttp2(request)) {
            h.add(field.getKey(), field.getValue());
        }
        return h;
    }

    @Override
    protected void sendBody(ByteBuf data) {
        bodySent |= data.isReadable();
        stream.write(new DefaultHttp3DataFrame(data));
        flushAtEndOfTurn();
    }

    @Override
    protected void sendEnd(HttpHeaders requestTrailers) {
        finishRequest(requestTrailers);
    }

    private void finishRequest(HttpHeaders requestTrailers) {
        requestComplete = true;
        sentTrailers = requestTrailers;
        if (requestTrailers != null && !requestTrailers.isEmpty()) {
            Http3Headers h = new DefaultHttp3Headers(false);
            for (Map.Entry<String, String> field : requestTrailers) {
                h.add(field.getKey(), field.getValue());
            }
            stream.write(new DefaultHttp3HeadersFrame(h));
        }
        Http3StreamFin.send(stream);
    }

    // ---- inbound ---------------------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof Http3HeadersFrame frame) {
            onHeaders(frame.headers());
        } else if (msg instanceof Http3DataFrame frame) {
            if (!responseStarted) {
                frame.release();
                failExchange(OriginFailures.protocolError(originName, "DATA before the response head"));
                return;
            }
            if (frame.content().isReadable()) {
                listener.onResponseBody(frame.content().retain());
            }
            frame.release();
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHeaders(Http3Headers headers) {
        if (responseStarted) {
            // A second field section is the trailer section (RFC 9114 4.1); the FIN follows it.
            trailers = regularFields(headers);
            return;
        }
        reportHead(headers.status(), regularFields(headers), "3");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            // The origin's FIN: the response is complete, or the stream ended before one came.
            if (!done) {
                if (responseStarted) {
                    finishResponse();
                } else if (!retryUnanswered()) {
                    failExchange(OriginFailures.closedEarly(originName, false));
                }
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * The stream was reset or closed before any byte of an answer. An origin refuses streams it will not process
     * with H3_REQUEST_REJECTED, and every stream above its GOAWAY's ID is unprocessed (RFC 9114 4.1.1, 5.2); Netty
     * does not pass a reset's error code on, so the relay cannot tell that reset from others, and sends again only
     * what is safe to send twice: an idempotent request (RFC 9110 9.2.2) none of whose body has left. At most
     * {@value #MAX_RETRIES} times, on a later loop turn, so that a GOAWAY in the same packets as the reset has
     * reached the connection first and the retry goes to a new one.
     */
    private boolean retryUnanswered() {
        if (retries >= MAX_RETRIES || reopen == null || responseStarted || bodySent || done
                || !idempotent(request.method())) {
            return false;
        }
        retries++;
        QuicStreamChannel unanswered = stream;
        if (unanswered.pipeline().context(this) != null) {
            unanswered.pipeline().remove(this);
        }
        unanswered.close();
        stream = null;
        channel = null;
        if (requestComplete) {
            requestComplete = false;
            pending.end(sentTrailers);
        }
        unanswered.eventLoop().execute(reopen);
        return true;
    }

    private static boolean idempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done && !responseStarted && stream != null && retryUnanswered()) {
            return;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done && !responseStarted && stream != null && retryUnanswered()) {
            return;
        }
        super.exceptionCaught(ctx, cause);
    }

    private void finishResponse() {
        markDone();
        if (!requestComplete && stream.isActive()) {
            // The origin is done; it does not want the rest of the request body.
            stream.close();
        }
        listener.onResponseEnd(trailers);
    }
}
