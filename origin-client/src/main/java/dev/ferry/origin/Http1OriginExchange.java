package dev.ferry.origin;

import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.headers.Http3RequestParser;
import dev.ferry.bridge.headers.OriginRequestTranslator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
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
final class Http1OriginExchange extends OriginStreamExchange {
    private static final Set<String> METHODS_WITH_CONTENT = Set.of("POST", "PUT", "PATCH");

    private final RequestHead request;
    private final Http1ConnectionPool pool;
    private final long declaredLength;
    private boolean headWritten;
    private boolean keepAlive;

    Http1OriginExchange(String originName, RequestHead request, OriginListener listener, Http1ConnectionPool pool) {
        super(originName, listener);
        this.request = request;
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

    @Override
    protected void sendBody(ByteBuf data) {
        writeChunk(data);
        channel.flush();
    }

    @Override
    protected void sendEnd(HttpHeaders trailers) {
        finishRequest(trailers);
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
}
