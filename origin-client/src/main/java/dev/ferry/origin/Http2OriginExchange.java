package dev.ferry.origin;

import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.OriginExchange;
import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.headers.OriginRequestTranslator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
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
final class Http2OriginExchange extends ChannelInboundHandlerAdapter implements OriginExchange {
    private final String originName;
    private final RequestHead request;
    private final OriginListener listener;
    private final boolean tls;
    private final PendingRequestBody pending = new PendingRequestBody();
    private Http2StreamChannel stream;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean done;
    private boolean reading = true;

    Http2OriginExchange(String originName, RequestHead request, OriginListener listener, boolean tls) {
        this.originName = originName;
        this.request = request;
        this.listener = listener;
        this.tls = tls;
    }

    void attach(Http2StreamChannel ch) {
        if (done) {
            ch.close();
            return;
        }
        stream = ch;
        ch.config().setAutoRead(reading);
        boolean endWithHead = pending.ended() && !pending.hasBody()
                && (pending.trailers() == null || pending.trailers().isEmpty());
        ch.write(new DefaultHttp2HeadersFrame(requestHeaders(), endWithHead));
        listener.onRequestSent();
        if (endWithHead) {
            requestComplete = true;
        } else {
            ByteBuf chunk;
            while ((chunk = pending.poll()) != null) {
                ch.write(new DefaultHttp2DataFrame(chunk, false));
            }
            if (pending.ended()) {
                finishRequest(pending.trailers());
            }
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

    private void finishRequest(HttpHeaders trailers) {
        requestComplete = true;
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

    void fail(Throwable connectFailure) {
        if (!done) {
            done = true;
            pending.release();
            listener.onOriginFailure(OriginFailures.connectFailed(originName, connectFailure));
        }
    }

    // ---- OriginExchange --------------------------------------------------------------------------------------

    @Override
    public void writeBody(ByteBuf data) {
        if (done || requestComplete) {
            data.release();
        } else if (stream == null) {
            pending.add(data);
        } else {
            stream.writeAndFlush(new DefaultHttp2DataFrame(data, false));
        }
    }

    @Override
    public void writeEnd(HttpHeaders trailers) {
        if (done || requestComplete) {
            return;
        }
        if (stream == null) {
            pending.end(trailers);
        } else {
            finishRequest(trailers);
        }
    }

    @Override
    public boolean isWritable() {
        return stream != null && !done && stream.isWritable();
    }

    @Override
    public void setReading(boolean reading) {
        this.reading = reading;
        if (stream != null && !done) {
            stream.config().setAutoRead(reading);
        }
    }

    @Override
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        pending.release();
        if (stream != null) {
            // Closing an active stream channel sends RST_STREAM(CANCEL).
            stream.close();
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
            failExchange(OriginFailures.exchangeFailed(originName,
                    new java.io.IOException("origin reset the stream, HTTP/2 error " + reset.errorCode()),
                    responseStarted));
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHeaders(Http2HeadersFrame frame) {
        Http2Headers headers = frame.headers();
        if (!responseStarted) {
            CharSequence statusText = headers.status();
            int status;
            try {
                status = Integer.parseInt(String.valueOf(statusText));
            } catch (NumberFormatException e) {
                failExchange(OriginFailures.protocolError(originName, "bad :status " + statusText));
                return;
            }
            if (status < 200) {
                return;
            }
            responseStarted = true;
            listener.onResponseHead(status, regularFields(headers), "2");
            if (frame.isEndStream()) {
                finishResponse(null);
            }
            return;
        }
        finishResponse(regularFields(headers));
    }

    private static HttpHeaders regularFields(Http2Headers headers) {
        HttpHeaders out = new DefaultHttpHeaders(false);
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            CharSequence name = field.getKey();
            if (name.length() > 0 && name.charAt(0) != ':') {
                out.add(name, field.getValue());
            }
        }
        return out;
    }

    private void finishResponse(HttpHeaders trailers) {
        done = true;
        if (!requestComplete && stream.isActive()) {
            // The origin is done; it does not want the rest of the request body.
            stream.close();
        }
        listener.onResponseEnd(trailers);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!done) {
            listener.onOriginWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            failExchange(OriginFailures.closedEarly(originName, responseStarted));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            failExchange(OriginFailures.exchangeFailed(originName, cause, responseStarted));
        }
    }

    private void failExchange(ProxyException failure) {
        done = true;
        pending.release();
        if (stream != null) {
            stream.close();
        }
        listener.onOriginFailure(failure);
    }
}
