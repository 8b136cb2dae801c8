package dev.ferry.tcpingress;

import dev.ferry.bridge.error.ErrorResponses;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.ClientStream;
import dev.ferry.bridge.exchange.ClientStreamListener;
import dev.ferry.bridge.exchange.ExchangeDriver;
import dev.ferry.bridge.exchange.ResponseHead;
import dev.ferry.bridge.headers.FieldSectionParser;
import dev.ferry.bridge.transport.Transport;
import dev.ferry.bridge.transport.TurnFlush;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 connection: requests read one at a time with {@link Http1RequestParser} (strict, so that nothing
 * can be smuggled) and {@link Http1Requests}, each the client side of one exchange until its response is complete;
 * pipelined requests wait in the buffer meanwhile. The response is framed by Content-Length when the origin gave
 * one, chunked otherwise (close-delimited for an HTTP/1.0 client).
 *
 * <p>A CONNECT turns the connection into the tunnel once answered 2xx: bytes then pass both ways unframed, and
 * the connection closes when the tunnel ends (TLS gives no half-close to carry the target's FIN alone).
 *
 * <p>A request that cannot be read is answered 400 (or 431, 501, 505) with Proxy-Status and the connection is
 * closed: after a framing error nothing that follows can be trusted to start a request. Backpressure: while the
 * exchange does not want body bytes, the socket is not read.
 */
final class Http1Connection extends ChannelInboundHandlerAdapter implements ClientStream {
    private static final Logger log = LoggerFactory.getLogger(Http1Connection.class);
    private static final byte[] CRLF = {'\r', '\n'};

    /** TUNNEL_OPENING: a CONNECT waits for its answer (bytes after it wait too); TUNNEL: bytes go both ways. */
    private enum State {
        HEAD, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, REQUEST_DONE, TUNNEL_OPENING, TUNNEL, CLOSING
    }

    private final ExchangeDriver driver;
    private final TcpListenerSettings settings;
    private ChannelHandlerContext ctx;
    private TurnFlush flush;
    private ByteBuf buffer;
    private State state = State.HEAD;
    private boolean processing;
    private ScheduledFuture<?> headTimer;

    // ---- the exchange in progress ----
    private ClientStreamListener exchange;
    private String protocol;
    private boolean keepAlive;
    private boolean headMethod;
    private long remaining;
    private boolean reading = true;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean chunkedResponse;
    private boolean responseBodyAllowed;
    private boolean closeAfterResponse;

    Http1Connection(ExchangeDriver driver, TcpListenerSettings settings) {
        this.driver = driver;
        this.settings = settings;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.flush = new TurnFlush(ctx.channel(), ctx.channel().eventLoop());
        startHeadTimer();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.CLOSING) {
            bytes.release();
            return;
        }
        if (buffer == null) {
            buffer = bytes;
        } else {
            buffer = append(buffer, bytes);
        }
        process();
    }

    /**
     * Adds {@code more} behind what is buffered. The old buffer is replaced rather than compacted: body bytes
     * handed to the exchange are slices of it, which moving its content would corrupt.
     */
    private ByteBuf append(ByteBuf old, ByteBuf more) {
        ByteBuf joined = ctx.alloc().buffer(old.readableBytes() + more.readableBytes());
        joined.writeBytes(old).writeBytes(more);
        old.release();
        more.release();
        return joined;
    }

    private void process() {
        if (processing) {
            return;
        }
        processing = true;
        try {
            while (buffer != null && step()) {
                // each step consumed something or changed state
            }
        } catch (ProxyException e) {
            malformed(e);
        } finally {
            processing = false;
            if (buffer != null && !buffer.isReadable()) {
                buffer.release();
                buffer = null;
            }
        }
    }

    /** One step of reading; false when it needs more bytes, or must wait. */
    private boolean step() {
        switch (state) {
            case HEAD -> {
                Http1RequestParser.Head raw = Http1RequestParser.readHead(buffer, settings.maxFieldSectionSize());
                if (raw == null) {
                    return false;
                }
                startExchange(raw);
                return true;
            }
            case TUNNEL -> {
                if (!reading || !buffer.isReadable()) {
                    return false;
                }
                exchange.onRequestBody(buffer.readRetainedSlice(buffer.readableBytes()));
                return true;
            }
            case FIXED_BODY, CHUNK_DATA -> {
                if (!reading || !buffer.isReadable()) {
                    return false;
                }
                int n = (int) Math.min(remaining, buffer.readableBytes());
                remaining -= n;
                State before = state;
                exchange.onRequestBody(buffer.readRetainedSlice(n));
                if (state != before) {
                    // The exchange ended while taking the bytes (its response done early, the client gone).
                    return false;
                }
                if (remaining == 0) {
                    if (state == State.FIXED_BODY) {
                        requestEnd(null);
                    } else {
                        state = State.CHUNK_END;
                    }
                }
                return true;
            }
            case CHUNK_SIZE -> {
                long size = Http1RequestParser.readChunkSize(buffer);
                if (size < 0) {
                    return false;
                }
                if (size == 0) {
                    state = State.TRAILERS;
                } else {
                    remaining = size;
                    state = State.CHUNK_DATA;
                }
                return true;
            }
            case CHUNK_END -> {
                if (!Http1RequestParser.readChunkEnd(buffer)) {
                    return false;
                }
                state = State.CHUNK_SIZE;
                return true;
            }
            case TRAILERS -> {
                List<Map.Entry<String, String>> fields =
                        Http1RequestParser.readTrailers(buffer, settings.maxFieldSectionSize());
                if (fields == null) {
                    return false;
                }
                HttpHeaders trailers = FieldSectionParser.parseTrailers(Http1Requests.lowerCaseNames(fields));
                requestEnd(trailers.isEmpty() ? null : trailers);
                return true;
            }
            default -> {
                // REQUEST_DONE: a pipelined request waits for the response in progress; CLOSING: nothing more.
                return false;
            }
        }
    }

    private void startExchange(Http1RequestParser.Head raw) {
        cancelHeadTimer();
        protocol = raw.version().equals("HTTP/1.0") ? "1.0" : "1.1";
        Http1Requests.Parsed request = Http1Requests.toRequest(raw);
        keepAlive = request.keepAlive();
        headMethod = request.headMethod();
        responseStarted = false;
        responseDone = false;
        closeAfterResponse = !keepAlive;
        reading = true;
        if (log.isDebugEnabled()) {
            log.debug("C2P h1 {} {}", ctx.channel().remoteAddress(), request.head());
        }
        if (request.head().isConnect()) {
            // RFC 9110 9.3.6: no content; after a 2xx the connection is the tunnel, and it ends with it.
            state = State.TUNNEL_OPENING;
            closeAfterResponse = true;
            exchange = driver.start(this, clientAddress(), protocol, request.head());
            return;
        }
        // The body's state is set before the exchange starts: it may answer at once (no route, a refusing hook),
        // and the answer must know that a body is still coming (the connection then closes after it).
        boolean body = true;
        if (request.chunked()) {
            state = State.CHUNK_SIZE;
        } else if (request.contentLength() > 0) {
            remaining = request.contentLength();
            state = State.FIXED_BODY;
        } else {
            body = false;
        }
        ClientStreamListener started = driver.start(this, clientAddress(), protocol, request.head());
        if (state == State.CLOSING) {
            // Answered at once, before its body: the connection closes, the body is not read.
            return;
        }
        exchange = started;
        if (!body) {
            requestEnd(null);
        }
    }

    private void requestEnd(HttpHeaders trailers) {
        state = State.REQUEST_DONE;
        // Pipelined requests stay in the socket until this exchange is done.
        ctx.channel().config().setAutoRead(false);
        ClientStreamListener listener = exchange;
        listener.onRequestEnd(trailers);
        if (responseDone && state == State.REQUEST_DONE) {
            nextRequest();
        }
    }

    private void nextRequest() {
        exchange = null;
        // A malformed next request is answered as a request of its own, not as the rest of this one.
        responseStarted = false;
        responseDone = false;
        if (closeAfterResponse) {
            closeAfterFlush();
            return;
        }
        state = State.HEAD;
        startHeadTimer();
        ctx.channel().config().setAutoRead(true);
        ctx.channel().eventLoop().execute(this::process);
    }

    /** The request cannot be read on: answer it if nothing was answered yet, end the exchange, close. */
    private void malformed(ProxyException e) {
        log.debug("C2P h1 {} malformed: {}", ctx.channel().remoteAddress(), e.getMessage());
        State was = state;
        state = State.CLOSING;
        cancelHeadTimer();
        ClientStreamListener listener = exchange;
        if (listener != null && was != State.REQUEST_DONE) {
            listener.onClientAbort(e);
        }
        if (listener == null) {
            driver.reportRejected(clientAddress(), protocol == null ? "1.1" : protocol, e);
        }
        if (!responseStarted) {
            writeError(e);
        } else {
            ctx.close();
        }
    }

    private void writeError(ProxyException e) {
        closeAfterResponse = true;
        responseStarted = false;
        responseDone = false;
        ErrorResponses.send(this, driver.settings().proxyName(), e);
    }

    private void closeAfterFlush() {
        state = State.CLOSING;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void startHeadTimer() {
        cancelHeadTimer();
        long millis = settings.requestHeadTimeout().toMillis();
        headTimer = ctx.executor().schedule(this::headTimedOut, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelHeadTimer() {
        if (headTimer != null) {
            headTimer.cancel(false);
            headTimer = null;
        }
    }

    /** No complete request head in time: 408 when part of one came, else just close (RFC 9110 15.5.9). */
    private void headTimedOut() {
        headTimer = null;
        if (state != State.HEAD || exchange != null || !ctx.channel().isActive()) {
            return;
        }
        if (buffer != null && buffer.isReadable()) {
            state = State.CLOSING;
            ProxyException e = ProxyException.badRequest(408, "no complete request head within "
                    + settings.requestHeadTimeout().toMillis() + " ms");
            driver.reportRejected(clientAddress(), protocol == null ? "1.1" : protocol, e);
            writeError(e);
        } else {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent || evt instanceof TcpListener.Shutdown) {
            if (exchange == null) {
                ctx.close();
            } else {
                closeAfterResponse = true;
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onClientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelHeadTimer();
        ClientStreamListener listener = exchange;
        exchange = null;
        state = State.CLOSING;
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        if (listener != null) {
            // Also after the response: a tunnel whose target ended must release its socket now, not at its idle
            // timeout; for an exchange that already completed this does nothing.
            listener.onClientAbort(null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("C2P h1 {} error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    // ---- ClientStream ----------------------------------------------------------------------------------------

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public void writeInformational(ResponseHead head) {
        // RFC 9110 15.2: no 1xx to an HTTP/1.0 client.
        if (responseStarted || "1.0".equals(protocol) || !ctx.channel().isActive()) {
            return;
        }
        StringBuilder out = statusLine(head.status());
        appendFields(out, head.headers());
        out.append("\r\n");
        ctx.write(ascii(out), ctx.voidPromise());
        flush.request();
    }

    @Override
    public void writeHead(ResponseHead head, boolean endOfStream) {
        if (responseStarted || !ctx.channel().isActive()) {
            return;
        }
        responseStarted = true;
        int status = head.status();
        if (state == State.TUNNEL_OPENING && status / 100 == 2 && !endOfStream) {
            // The tunnel is open: no framing from here on, the connection's bytes are the tunnel's.
            StringBuilder out = statusLine(status);
            appendFields(out, head.headers());
            out.append("\r\n");
            ctx.write(ascii(out), ctx.voidPromise());
            flush.request();
            state = State.TUNNEL;
            responseBodyAllowed = true;
            chunkedResponse = false;
            ctx.channel().eventLoop().execute(this::process);
            return;
        }
        responseBodyAllowed = !headMethod && status != 204 && status != 304 && status >= 200;
        boolean hasLength = head.headers().contains("content-length");
        chunkedResponse = false;
        StringBuilder out = statusLine(status);
        appendFields(out, head.headers());
        if (!hasLength && responseBodyAllowed) {
            if (endOfStream) {
                out.append("content-length: 0\r\n");
            } else if ("1.1".equals(protocol)) {
                out.append("transfer-encoding: chunked\r\n");
                chunkedResponse = true;
            } else {
                // An HTTP/1.0 client without a length: the end of the connection ends the body.
                closeAfterResponse = true;
            }
        }
        if (state != State.REQUEST_DONE && state != State.HEAD) {
            // The answer comes before the whole request did: the rest of it will not be read, so the
            // connection cannot carry another request.
            closeAfterResponse = true;
        }
        if (closeAfterResponse) {
            out.append("connection: close\r\n");
        } else if ("1.0".equals(protocol)) {
            out.append("connection: keep-alive\r\n");
        }
        if (settings.altSvc() != null) {
            out.append("alt-svc: ").append(settings.altSvc()).append("\r\n");
        }
        out.append("\r\n");
        ctx.write(ascii(out), ctx.voidPromise());
        flush.request();
        if (endOfStream) {
            responseEnd();
        }
    }

    @Override
    public void writeBody(ByteBuf data) {
        if (!responseStarted || responseDone || !responseBodyAllowed || !data.isReadable()) {
            data.release();
            return;
        }
        if (chunkedResponse) {
            ctx.write(Unpooled.copiedBuffer(Integer.toHexString(data.readableBytes()) + "\r\n",
                    StandardCharsets.US_ASCII), ctx.voidPromise());
            ctx.write(data, ctx.voidPromise());
            ctx.write(Unpooled.wrappedBuffer(CRLF), ctx.voidPromise());
        } else {
            ctx.write(data, ctx.voidPromise());
        }
        flush.request();
    }

    @Override
    public void writeEnd(HttpHeaders trailers) {
        if (!responseStarted || responseDone) {
            return;
        }
        if (chunkedResponse) {
            StringBuilder out = new StringBuilder();
            out.append("0\r\n");
            if (trailers != null) {
                appendFields(out, trailers);
            }
            out.append("\r\n");
            ctx.write(ascii(out), ctx.voidPromise());
        }
        responseEnd();
    }

    private void responseEnd() {
        responseDone = true;
        flush.request();
        if (state == State.REQUEST_DONE) {
            nextRequest();
        } else if (state == State.CLOSING || closeAfterResponse) {
            closeAfterFlush();
        }
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void setReading(boolean reading) {
        if (this.reading == reading) {
            return;
        }
        this.reading = reading;
        if (state == State.REQUEST_DONE || state == State.CLOSING) {
            return;
        }
        Transport.setReading(ctx.channel(), reading);
        if (reading) {
            ctx.channel().eventLoop().execute(this::process);
        }
    }

    @Override
    public void reset(boolean originSawRequest) {
        // HTTP/1.1 has no way to abort one response but to close the connection.
        state = State.CLOSING;
        ctx.close();
    }

    @Override
    public X509Certificate[] peerCertificates() {
        return TlsPeer.certificates(ctx.channel());
    }

    private InetSocketAddress clientAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress inet ? inet : null;
    }

    private static StringBuilder statusLine(int status) {
        return new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ')
                .append(HttpResponseStatus.valueOf(status).reasonPhrase()).append("\r\n");
    }

    private static void appendFields(StringBuilder out, Iterable<Map.Entry<String, String>> fields) {
        for (Map.Entry<String, String> field : fields) {
            out.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
        }
    }

    /** Field values may hold obs-text (RFC 9110 5.5), which is Latin-1 on the wire. */
    private ByteBuf ascii(CharSequence s) {
        ByteBuf out = ctx.alloc().buffer(s.length());
        out.writeCharSequence(s, StandardCharsets.ISO_8859_1);
        return out;
    }
}
