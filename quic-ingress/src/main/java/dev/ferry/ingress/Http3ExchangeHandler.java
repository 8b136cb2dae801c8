package dev.ferry.ingress;

import dev.ferry.http3.Http3Codes;
import dev.ferry.http3.Http3DatagramRouter;
import dev.ferry.http3.Http3StreamFin;

import dev.ferry.bridge.error.ErrorResponses;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.ClientStream;
import dev.ferry.bridge.exchange.ClientStreamListener;
import dev.ferry.bridge.exchange.ExchangeDriver;
import dev.ferry.bridge.exchange.HeldLastBody;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.exchange.ResponseHead;
import dev.ferry.bridge.headers.FieldSectionParser;
import dev.ferry.bridge.headers.FieldSyntax;
import dev.ferry.bridge.tunnel.CapsuleDatagrams;
import dev.ferry.bridge.tunnel.TunnelCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3Exception;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicException;
import io.netty.handler.codec.quic.QuicStreamChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * One HTTP/3 request stream as the client side of an exchange. Parses and validates the request head (a malformed
 * request resets the stream with H3_MESSAGE_ERROR and never reaches an origin), feeds body and trailers to the
 * exchange, and writes the response as HEADERS and DATA frames.
 *
 * <p>Auto-read is off: the exchange asks for request body with {@link #setReading(boolean)}, which is how a slow
 * origin slows the client down through QUIC stream flow control.
 *
 * <p>On a listener that accepts 0-RTT, a request read before the handshake completed follows {@link EarlyRequests}:
 * forwarded at once with Early-Data: 1 and sent again after the handshake if the origin answers 425, or held, with
 * whatever body arrived, until the handshake completes.
 */
final class Http3ExchangeHandler extends Http3RequestStreamInboundHandler
        implements ClientStream, CapsuleDatagrams.Sink {
    private static final Logger log = LoggerFactory.getLogger(Http3ExchangeHandler.class);

    private final ExchangeDriver driver;
    private final boolean extendedConnect;
    private final long requestHeadTimeoutMillis;
    /** Null when the listener takes no early data. */
    private final EarlyRequests earlyRequests;
    private io.netty.util.concurrent.ScheduledFuture<?> headTimer;
    private ChannelHandlerContext ctx;
    /** Non-null once a CONNECT-UDP stream switched to datagram mode. */
    private Http3DatagramFlow datagrams;
    private TunnelCounters counters;
    private ClientStreamListener exchange;
    /** Set once the request head arrived: later HEADERS are trailers, whether or not an exchange runs now. */
    private boolean headSeen;
    /** A request read in early data that waits for the handshake, and the DATA that came after its head. */
    private RequestHead heldHead;
    private ArrayDeque<ByteBuf> heldBody;
    /** A request forwarded in early data with our Early-Data: 1: a 425 for it is answered by sending it again. */
    private RequestHead retryOnTooEarly;
    /** The early attempt's 425 is being discarded; its end starts the retry. */
    private boolean discardingTooEarly;
    private HttpHeaders trailers;
    private boolean rejected;
    /** A CONNECT stream that was not refused: half-close is kept, so our FIN does not stop the client's side. */
    private boolean tunnel;
    private boolean inputClosed;
    private boolean outputClosed;
    private boolean reading = true;
    /** The request's content-length, or -1; with {@link #requestBodyBytes} it decides {@link #heldLastData}. */
    private long declaredLength = -1;
    private long requestBodyBytes;
    /** The DATA that completes a content-length body, held until the FIN (see {@link HeldLastBody}). */
    private final HeldLastBody heldLastData = new HeldLastBody();

    Http3ExchangeHandler(ExchangeDriver driver, boolean extendedConnect, long requestHeadTimeoutMillis,
                         EarlyRequests earlyRequests) {
        this.driver = driver;
        this.extendedConnect = extendedConnect;
        this.requestHeadTimeoutMillis = requestHeadTimeoutMillis;
        this.earlyRequests = earlyRequests;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (requestHeadTimeoutMillis > 0) {
            headTimer = ctx.executor().schedule(this::requestHeadTimedOut, requestHeadTimeoutMillis,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The stream has been open for the whole request head deadline without a complete header section: a client
     * holding streams open (or one lost mid-head) must not hold them for ever. 408 on this stream.
     */
    private void requestHeadTimedOut() {
        headTimer = null;
        if (headSeen || rejected || !ctx.channel().isActive()) {
            return;
        }
        refuseLocally(ProxyException.badRequest(408, "no complete request head within "
                + requestHeadTimeoutMillis + " ms"));
    }

    private void cancelHeadTimer() {
        if (headTimer != null) {
            headTimer.cancel(false);
            headTimer = null;
        }
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
        if (rejected) {
            return;
        }
        if (!headSeen) {
            headSeen = true;
            cancelHeadTimer();
            RequestHead head;
            try {
                head = FieldSectionParser.parse(frame.headers());
            } catch (ProxyException e) {
                reject(e);
                return;
            }
            if (head.protocol() != null && !extendedConnect) {
                // RFC 9220 3: :protocol is malformed unless SETTINGS_ENABLE_CONNECT_PROTOCOL was sent.
                reject(ProxyException.badRequest(":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL"));
                return;
            }
            if (log.isDebugEnabled()) {
                log.debug("C2P {} {}", stream().streamId(), head);
            }
            declaredLength = FieldSyntax.contentLength(head.headers());
            tunnel = head.isConnect();
            EarlyData early = earlyRequests == null ? null : EarlyData.of(stream().parent());
            if (early != null && !early.confirmed()) {
                startEarly(early, head);
                return;
            }
            exchange = driver.start(this, clientAddress(), "3", head);
            return;
        }
        try {
            trailers = FieldSectionParser.parseTrailers(frame.headers());
        } catch (ProxyException e) {
            reject(e);
        }
    }

    /** Read in early data: forward now if a replay would do no harm, else hold until the handshake completes. */
    private void startEarly(EarlyData early, RequestHead head) {
        if (EarlyRequests.mayForwardEarly(head)) {
            earlyRequests.countForwardedEarly();
            if (!EarlyRequests.markedByClient(head)) {
                retryOnTooEarly = head;
            }
            log.debug("C2P {} in early data, forwarded with Early-Data: 1", stream().streamId());
            exchange = driver.start(this, clientAddress(), "3", EarlyRequests.marked(head));
            return;
        }
        earlyRequests.countHeld();
        log.debug("C2P {} in early data, held until the handshake completes", stream().streamId());
        heldHead = head;
        heldBody = new ArrayDeque<>();
        // Read no further than what already arrived: flow control holds the rest at the client.
        setReading(false);
        early.whenConfirmed(this::startHeld);
    }

    /** The handshake completed: the held request starts, with the body read so far. */
    private void startHeld() {
        RequestHead head = heldHead;
        heldHead = null;
        if (head == null || rejected || !ctx.channel().isActive()) {
            release(heldBody);
            heldBody = null;
            return;
        }
        // Reading again may deliver frames at once: they join the held ones until the exchange has started.
        setReading(true);
        exchange = driver.start(this, clientAddress(), "3", head);
        ArrayDeque<ByteBuf> body = heldBody;
        heldBody = null;
        for (ByteBuf data = body.poll(); data != null; data = body.poll()) {
            acceptBody(data);
        }
        if (inputClosed) {
            endRequest();
        }
    }

    /**
     * The origin answered the early attempt 425 and the client did not mark the request itself: send it again,
     * without Early-Data, once the handshake has completed (RFC 8470 5.2). The early attempt has ended.
     */
    private void retryAfterHandshake() {
        RequestHead head = retryOnTooEarly;
        retryOnTooEarly = null;
        discardingTooEarly = false;
        exchange = null;
        earlyRequests.countRetried();
        log.debug("C2P {} answered 425 in early data, sent again after the handshake", stream().streamId());
        EarlyData.of(stream().parent()).whenConfirmed(() -> {
            if (rejected || outputClosed || !ctx.channel().isActive()) {
                return;
            }
            exchange = driver.start(this, clientAddress(), "3", head);
            if (inputClosed) {
                endRequest();
            }
        });
    }

    private static void release(ArrayDeque<ByteBuf> buffers) {
        if (buffers != null) {
            buffers.forEach(ByteBuf::release);
            buffers.clear();
        }
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
        if (heldBody != null) {
            heldBody.add(frame.content());
            return;
        }
        acceptBody(frame.content());
    }

    /** Request body bytes for the exchange; takes ownership. */
    private void acceptBody(ByteBuf content) {
        if (exchange == null || rejected) {
            content.release();
            return;
        }
        if (datagrams != null) {
            datagrams.readCapsules(content);
            return;
        }
        if (!content.isReadable()) {
            // An empty DATA frame says nothing, and must not release the held last bytes early.
            content.release();
            return;
        }
        // A request with a body is not sent twice: a 425 for its early attempt goes to the client.
        retryOnTooEarly = null;
        passHeldData();
        requestBodyBytes += content.readableBytes();
        if (declaredLength >= 0 && requestBodyBytes >= declaredLength && !inputClosed) {
            // Netty's codec already resets the stream when DATA exceeds the content-length.
            heldLastData.hold(content);
            return;
        }
        exchange.onRequestBody(content);
    }

    @Override
    public void onPayload(ByteBuf payload) {
        if (exchange == null || outputClosed) {
            counters.drop(TunnelCounters.Drop.NOT_OPEN);
            payload.release();
            return;
        }
        exchange.onRequestDatagram(payload);
    }

    @Override
    public void onMalformed(String reason) {
        failDatagramStream(reason);
    }

    private void failDatagramStream(String reason) {
        log.debug("C2P stream {} datagram error: {}", stream().streamId(), reason);
        ClientStreamListener listener = exchange;
        outputClosed = true;
        stream().shutdown(Http3Codes.H3_DATAGRAM_ERROR);
        if (listener != null) {
            listener.onClientAbort(new IllegalStateException(reason));
        }
    }

    private void passHeldData() {
        heldLastData.passTo(exchange);
    }

    private void releaseHeldData() {
        heldLastData.release();
        release(heldBody);
    }

    @Override
    protected void channelInputClosed(ChannelHandlerContext ctx) {
        inputClosed = true;
        if (datagrams != null && datagrams.endedMidCapsule()) {
            // RFC 9297 3.3: a stream that ends inside a capsule is malformed.
            failDatagramStream("stream ended inside a capsule");
            return;
        }
        if (heldBody == null) {
            endRequest();
        }
    }

    private void endRequest() {
        if (exchange != null && !rejected) {
            passHeldData();
            exchange.onRequestEnd(trailers);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof FieldSectionGuard.FieldSectionTooLarge tooLarge) {
            refuseFieldSection(tooLarge);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * A field section over the listener's limit: a request head gets 431 on this stream, oversized trailers reset
     * it (the response may have begun). Either way the connection and its other streams carry on.
     */
    private void refuseFieldSection(FieldSectionGuard.FieldSectionTooLarge tooLarge) {
        ProxyException error = ProxyException.badRequest(431,
                (tooLarge.trailers() ? "trailer" : "header") + " section larger than " + tooLarge.limit() + " bytes");
        log.debug("C2P stream {} refused: {}", stream().streamId(), error.getMessage());
        if (exchange != null || tooLarge.trailers()) {
            rejected = true;
            releaseHeldData();
            ClientStreamListener listener = exchange;
            outputClosed = true;
            if (listener != null) {
                listener.onClientAbort(error);
            }
            stream().shutdown(Http3ErrorCode.H3_EXCESSIVE_LOAD.code());
            return;
        }
        refuseLocally(error);
    }

    /** Answers a request that never became an exchange with {@code error}'s status and Proxy-Status. */
    private void refuseLocally(ProxyException error) {
        rejected = true;
        cancelHeadTimer();
        driver.reportRejected(clientAddress(), "3", error);
        ErrorResponses.send(this, driver.settings().proxyName(), error);
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
        if (datagrams != null) {
            datagrams.close();
        }
        releaseHeldData();
        if (exchange != null && !(outputClosed && inputClosed)) {
            // Also after our FIN: a tunnel whose target ended still waits for the client's FIN, and a client that
            // vanishes instead must not leave the target's socket open. For an exchange that already completed
            // this is a no-op.
            exchange.onClientAbort(null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    protected void handleQuicException(ChannelHandlerContext ctx, QuicException exception) {
        abortFromClient(exception);
    }

    @Override
    protected void handleHttp3Exception(ChannelHandlerContext ctx, Http3Exception exception) {
        // The codec found a malformed message (a content-length mismatch, say) and resets the stream itself.
        log.debug("C2P stream {} failed: {}", stream().streamId(), exception.getMessage());
        abortFromClient(exception);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof QuicException || cause instanceof Http3Exception) {
            super.exceptionCaught(ctx, cause);
        } else if (exchange == null && !rejected) {
            // Netty's request validation throws an IllegalArgumentException for a content-length it cannot read
            // ("+5", "0x10", "5, 6", ...) before our parser sees the head, and leaves the stream open: without this,
            // the client would wait for an answer that never comes.
            reject(ProxyException.badRequest("malformed request head: " + cause.getMessage()));
        } else {
            log.debug("C2P stream {} error", stream().streamId(), cause);
            abortFromClient(cause);
        }
    }

    private void abortFromClient(Throwable cause) {
        releaseHeldData();
        if (exchange != null && !outputClosed) {
            ClientStreamListener listener = exchange;
            outputClosed = true;
            listener.onClientAbort(cause);
        }
    }

    private void reject(ProxyException e) {
        rejected = true;
        cancelHeadTimer();
        releaseHeldData();
        log.debug("C2P stream {} malformed: {}", stream().streamId(), e.getMessage());
        if (exchange != null) {
            ClientStreamListener listener = exchange;
            outputClosed = true;
            listener.onClientAbort(e);
        } else {
            driver.reportRejected(clientAddress(), "3", e);
        }
        // RFC 9114 4.1.2: a malformed request is a stream error of type H3_MESSAGE_ERROR.
        stream().shutdown(Http3ErrorCode.H3_MESSAGE_ERROR.code());
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
        if (outputClosed) {
            return;
        }
        Http3HeadersFrame frame = new DefaultHttp3HeadersFrame();
        frame.headers().status(Integer.toString(head.status()));
        for (Map.Entry<String, String> field : head.headers()) {
            frame.headers().add(field.getKey(), field.getValue());
        }
        ctx.writeAndFlush(frame, ctx.voidPromise());
    }

    @Override
    public void writeHead(ResponseHead head, boolean endOfStream) {
        if (retryOnTooEarly != null && head.status() == 425) {
            // The early attempt's answer is not the client's: discard it and try again after the handshake.
            discardingTooEarly = true;
            if (endOfStream) {
                retryAfterHandshake();
            }
            return;
        }
        retryOnTooEarly = null;
        Http3HeadersFrame frame = new DefaultHttp3HeadersFrame();
        Http3Headers headers = frame.headers();
        headers.status(Integer.toString(head.status()));
        if (endOfStream || head.status() / 100 != 2) {
            // A refused tunnel is an ordinary finished response: the client is told to stop sending.
            tunnel = false;
        }
        for (Map.Entry<String, String> field : head.headers()) {
            headers.add(field.getKey(), field.getValue());
        }
        ctx.writeAndFlush(frame, ctx.voidPromise());
        if (endOfStream) {
            outputClosed = true;
            finishOutput();
        }
    }

    @Override
    public void writeBody(ByteBuf data) {
        if (outputClosed || discardingTooEarly) {
            data.release();
            return;
        }
        ctx.writeAndFlush(new DefaultHttp3DataFrame(data), ctx.voidPromise());
    }

    @Override
    public void writeEnd(HttpHeaders trailers) {
        if (discardingTooEarly) {
            retryAfterHandshake();
            return;
        }
        if (outputClosed) {
            return;
        }
        outputClosed = true;
        if (trailers != null && !trailers.isEmpty()) {
            Http3HeadersFrame frame = new DefaultHttp3HeadersFrame();
            for (Map.Entry<String, String> field : trailers) {
                frame.headers().add(field.getKey(), field.getValue());
            }
            ctx.writeAndFlush(frame, ctx.voidPromise());
        }
        finishOutput();
    }

    /** Sends the FIN behind every frame written so far (see {@link Http3StreamFin} for why not shutdownOutput). */
    private void finishOutput() {
        if (!ctx.channel().isActive()) {
            return;
        }
        Http3StreamFin.send(stream());
        if (!inputClosed && !tunnel) {
            // The response is complete while the client still sends: tell it to stop (RFC 9114 4.1). Not on a
            // tunnel: the target's FIN ends one direction only, and the client's FIN must still reach the tunnel.
            stream().shutdownInput(Http3ErrorCode.H3_NO_ERROR.code());
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
        ctx.channel().config().setAutoRead(reading);
    }

    @Override
    public void reset(boolean originSawRequest) {
        if (discardingTooEarly) {
            // The origin broke off its 425: the client has seen nothing of it, so the retry still stands.
            retryAfterHandshake();
            return;
        }
        outputClosed = true;
        Http3ErrorCode code = originSawRequest ? Http3ErrorCode.H3_INTERNAL_ERROR : Http3ErrorCode.H3_REQUEST_REJECTED;
        stream().shutdown(code.code());
    }

    @Override
    public boolean startDatagrams(TunnelCounters tunnelCounters) {
        Http3DatagramRouter connectionRouter = Http3DatagramRouter.of(ctx.channel());
        if (connectionRouter == null) {
            return false;
        }
        counters = tunnelCounters;
        datagrams = new Http3DatagramFlow(ctx, stream().streamId(), connectionRouter, tunnelCounters, this);
        return true;
    }

    @Override
    public void writeDatagram(ByteBuf payload) {
        if (outputClosed || datagrams == null) {
            if (counters != null) {
                counters.drop(TunnelCounters.Drop.NOT_OPEN);
            }
            payload.release();
            return;
        }
        datagrams.send(ctx, payload);
    }

    @Override
    public java.security.cert.X509Certificate[] peerCertificates() {
        return PeerCertificates.of((QuicChannel) ctx.channel().parent());
    }

    private QuicStreamChannel stream() {
        return (QuicStreamChannel) ctx.channel();
    }

    private InetSocketAddress clientAddress() {
        SocketAddress remote = ((QuicChannel) ctx.channel().parent()).remoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet : null;
    }
}
