package dev.ferry.origin;

import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.headers.FieldSyntax;
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
 * otherwise the body is sent chunked. The head waits for the first body event so that this can be decided, and a
 * head that declares {@code content-length: 0} waits for the end of the request, since it is complete by itself.
 */
final class Http1OriginExchange extends OriginStreamExchange {
    private static final Set<String> METHODS_WITH_CONTENT = Set.of("POST", "PUT", "PATCH");
    /** RFC 9110 9.2.2: repeating these cannot change the outcome, so a lost attempt may be sent again. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final RequestHead request;
    /** The pool of the endpoint this exchange's connection came from; set on attach. */
    private Http1ConnectionPool pool;
    private final long declaredLength;
    private boolean headWritten;
    private boolean keepAlive;
    /** The connection came from the idle pool: the origin may have closed it while it waited. */
    private boolean reused;
    private boolean retried;
    private boolean bodySent;

    Http1OriginExchange(String originName, RequestHead request, OriginListener listener) {
        super(originName, listener);
        this.request = request;
        this.declaredLength = FieldSyntax.contentLength(request.headers());
    }

    /**
     * Never in two pipelines at once, but re-added to a second connection when a request is retried; Netty refuses
     * to add a handler twice unless it says it may be shared.
     */
    @Override
    public boolean isSharable() {
        return true;
    }

    /** Called once {@code from} handed over a connection. */
    void attach(Channel ch, Http1ConnectionPool from) {
        pool = from;
        if (done) {
            pool.release(ch);
            return;
        }
        channel = ch;
        reused = Http1ConnectionPool.wasReused(ch);
        IdleConnectionGuard.remove(ch);
        ch.pipeline().addLast("exchange", this);
        ch.config().setAutoRead(reading);
        // A declared length of 0 makes the head alone a complete request, so it waits for the client's FIN: DATA
        // after "content-length: 0" must reset the client's stream before any origin acts on the request.
        if (declaredLength > 0 || pending.hasBody() || pending.ended() || expectsContinue()) {
            writeHead(pending.ended() && !pending.hasBody());
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

    /** A client waiting for 100 (Continue) sends no body until the origin has the head and answers. */
    private boolean expectsContinue() {
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        return expect != null && expect.trim().equalsIgnoreCase("100-continue");
    }

    /** @param knownEmpty the request is known to end without body bytes (no chunked framing needed) */
    private void writeHead(boolean knownEmpty) {
        headWritten = true;
        HttpHeaders headers = OriginRequestTranslator.toHttp1(request);
        if (declaredLength < 0) {
            if (!knownEmpty) {
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
            writeHead(false);
        }
        if (data.isReadable()) {
            bodySent = true;
        }
        channel.write(new DefaultHttpContent(data));
    }

    @Override
    protected void sendBody(ByteBuf data) {
        writeChunk(data);
        flushAtEndOfTurn();
    }

    @Override
    protected void sendEnd(HttpHeaders trailers) {
        finishRequest(trailers);
    }

    private void finishRequest(HttpHeaders trailers) {
        if (!headWritten) {
            // Nothing of the body was written: the request ends with its head.
            writeHead(true);
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
            if (status == 101) {
                // The relay never asks for an upgrade (Upgrade is hop-by-hop and stripped), so a 101 is
                // unsolicited, and the bytes after it are no longer HTTP/1.1 (RFC 9110 15.2.2).
                failExchange(OriginFailures.protocolError(originName, "unsolicited 101 Switching Protocols"));
                return;
            }
            if (status >= 100 && status < 200) {
                // Forwarded (RFC 9110 15.2); the codec gives their (empty) last content next, which is skipped.
                listener.onInformational(status, response.headers(), "1.1");
                return;
            }
            responseStarted = true;
            keepAlive = HttpUtil.isKeepAlive(response) && !announcesForbiddenBody(status, response.headers());
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
                markDone();
                maybeRelease();
                listener.onResponseEnd(trailers.isEmpty() ? null : trailers);
                return;
            }
            content.release();
        }
    }

    /**
     * True when a response that cannot have a body (to HEAD, or 204 or 304, RFC 9110 6.4.1) says it has one. The
     * codec reads no body for it, so if the origin sends one anyway, those bytes would be read as the next
     * response on this connection; such a connection is closed after the exchange instead of reused. (A HEAD
     * response may legitimately carry the Content-Length of the GET; reuse is given up for it too, since whether
     * a body follows cannot be known without waiting.)
     */
    private boolean announcesForbiddenBody(int status, HttpHeaders headers) {
        boolean bodyless = "HEAD".equals(request.method()) || status == 204 || status == 304;
        if (!bodyless) {
            return false;
        }
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        return length != null && !"0".equals(length.trim());
    }

    /**
     * A kept-alive connection can be closed by the origin just as a request is written on it. When that happens
     * before any response byte, to a request that is idempotent and had no body, the request is sent once more on
     * a new connection instead of failing (RFC 9110 9.2.2); the client never sees the race.
     */
    private boolean retryOnFreshConnection() {
        if (done || retried || !reused || responseStarted || bodySent || !requestComplete
                || !IDEMPOTENT.contains(request.method())) {
            return false;
        }
        retried = true;
        Channel stale = channel;
        if (stale.pipeline().get("exchange") == this) {
            stale.pipeline().remove(this);
        }
        channel = null;
        headWritten = false;
        requestComplete = false;
        pending.end(null);
        pool.acquireNew().addListener(f -> {
            if (f.isSuccess()) {
                attach((Channel) f.getNow(), pool);
            } else {
                fail(f.cause());
            }
        });
        return true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!retryOnFreshConnection()) {
            super.channelInactive(ctx);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException && retryOnFreshConnection()) {
            ctx.close();
            return;
        }
        super.exceptionCaught(ctx, cause);
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
        if (keepAlive) {
            IdleConnectionGuard.install(channel);
            channel.config().setAutoRead(true);
            pool.release(channel);
        } else {
            channel.close();
        }
    }
}
