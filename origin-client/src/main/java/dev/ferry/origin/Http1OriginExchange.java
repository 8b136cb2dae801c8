package dev.ferry.origin;

import dev.ferry.bridge.exchange.OriginExchange;
import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.headers.Http3RequestParser;
import dev.ferry.bridge.headers.OriginRequestTranslator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.util.Set;

/**
 * One exchange over a pooled HTTP/1.1 connection. While the exchange runs, this handler sits at the end of the
 * connection's pipeline; when both messages are complete and the origin keeps the connection alive, it steps
 * aside and returns the connection to its pool.
 *
 * <p>Framing: a request with Content-Length keeps it; one whose body is known to be empty is sent without a body;
 * otherwise the body is sent chunked. The head waits for the first body event so that this can be decided.
 */
final class Http1OriginExchange extends ChannelInboundHandlerAdapter implements OriginExchange {
    private static final Set<String> METHODS_WITH_CONTENT = Set.of("POST", "PUT", "PATCH");

    private final String originName;
    private final RequestHead request;
    private final OriginListener listener;
    private final Http1ConnectionPool pool;
    private final PendingRequestBody pending = new PendingRequestBody();
    private final long declaredLength;
    private Channel channel;
    private boolean headWritten;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean keepAlive;
    private boolean done;
    private boolean reading = true;

    Http1OriginExchange(String originName, RequestHead request, OriginListener listener, Http1ConnectionPool pool) {
        this.originName = originName;
        this.request = request;
        this.listener = listener;
        this.pool = pool;
        this.declaredLength = Http3RequestParser.contentLength(request.headers());
    }

    /** Called once the pool handed over a connection. */
    void attach(Channel ch) {
        if (done) {
            pool.release(ch);
            return;
        }
        channel = ch;
        ch.pipeline().addLast("exchange", this);
        ch.config().setAutoRead(reading);
        if (declaredLength >= 0 || pending.hasBody() || pending.ended()) {
            writeHead();
        }
        ByteBuf chunk;
        while ((chunk = pending.poll()) != null) {
            writeChunk(chunk);
        }
        if (pending.ended()) {
            finishRequest(pending.trailers());
        }
        ch.flush();
        listener.onOriginWritabilityChanged();
    }

    void fail(Throwable connectFailure) {
        if (!done) {
            done = true;
            pending.release();
            listener.onOriginFailure(OriginFailures.connectFailed(originName, connectFailure));
        }
    }

    private void writeHead() {
        headWritten = true;
        HttpHeaders headers = OriginRequestTranslator.toHttp1(request);
        if (declaredLength < 0) {
            if (pending.hasBody() || !pending.ended()) {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else if (METHODS_WITH_CONTENT.contains(request.method())) {
                headers.set(HttpHeaderNames.CONTENT_LENGTH, "0");
            }
        }
        DefaultHttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
                OriginRequestTranslator.requestTarget(request), headers);
        channel.write(head);
        listener.onRequestSent();
    }

    private void writeChunk(ByteBuf data) {
        if (!headWritten) {
            writeHead();
        }
        channel.write(new DefaultHttpContent(data));
    }

    private void finishRequest(HttpHeaders trailers) {
        if (!headWritten) {
            writeHead();
        }
        requestComplete = true;
        LastHttpContent last = trailers == null || trailers.isEmpty() || declaredLength >= 0
                ? LastHttpContent.EMPTY_LAST_CONTENT
                : new DefaultLastHttpContent(io.netty.buffer.Unpooled.EMPTY_BUFFER, trailers);
        channel.writeAndFlush(last);
        maybeRelease();
    }

    // ---- OriginExchange --------------------------------------------------------------------------------------

    @Override
    public void writeBody(ByteBuf data) {
        if (done) {
            data.release();
        } else if (channel == null) {
            pending.add(data);
        } else {
            writeChunk(data);
            channel.flush();
        }
    }

    @Override
    public void writeEnd(HttpHeaders trailers) {
        if (done) {
            return;
        }
        if (channel == null) {
            pending.end(trailers);
        } else {
            finishRequest(trailers);
        }
    }

    @Override
    public boolean isWritable() {
        return channel != null && !done && channel.isWritable();
    }

    @Override
    public void setReading(boolean reading) {
        this.reading = reading;
        if (channel != null && !done) {
            channel.config().setAutoRead(reading);
        }
    }

    @Override
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        pending.release();
        if (channel != null) {
            // Mid-message: the connection cannot be reused.
            channel.close();
        }
    }

    // ---- inbound ---------------------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                failExchange(OriginFailures.protocolError(originName,
                        "malformed HTTP/1.1 response: " + response.decoderResult().cause()));
                return;
            }
            int status = response.status().code();
            if (status >= 100 && status < 200) {
                // Interim responses are not forwarded; the codec gives their (empty) last content next.
                return;
            }
            responseStarted = true;
            keepAlive = HttpUtil.isKeepAlive(response);
            listener.onResponseHead(status, response.headers(), "1.1");
        }
        if (msg instanceof HttpContent content) {
            if (!responseStarted) {
                content.release();
                return;
            }
            if (content.decoderResult().isFailure()) {
                content.release();
                failExchange(OriginFailures.protocolError(originName, "malformed HTTP/1.1 body"));
                return;
            }
            ByteBuf data = content.content();
            if (data.isReadable()) {
                listener.onResponseBody(data.retain());
            }
            if (content instanceof LastHttpContent last) {
                HttpHeaders trailers = last.trailingHeaders();
                content.release();
                done = true;
                maybeRelease();
                listener.onResponseEnd(trailers.isEmpty() ? null : trailers);
                return;
            }
            content.release();
        }
    }

    /** Hands the connection back once the response ended and the request was fully written. */
    private void maybeRelease() {
        if (!done || channel == null || channel.pipeline().get("exchange") != this) {
            return;
        }
        if (!requestComplete) {
            // The origin answered before the request body ended: it will not read the rest on this connection.
            channel.close();
            return;
        }
        channel.pipeline().remove(this);
        channel.config().setAutoRead(true);
        if (keepAlive) {
            pool.release(channel);
        } else {
            channel.close();
        }
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
        ctx.close();
    }

    private void failExchange(dev.ferry.bridge.error.ProxyException failure) {
        done = true;
        pending.release();
        if (channel != null) {
            channel.close();
        }
        listener.onOriginFailure(failure);
    }
}
