package dev.ferry.tcpingress;

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
import dev.ferry.bridge.transport.TurnFlush;
import dev.ferry.bridge.tunnel.CapsuleDatagrams;
import dev.ferry.bridge.tunnel.TunnelCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * One HTTP/2 stream as the client side of an exchange: the stream channel Netty's multiplexer opens for it. The
 * request head goes through the same {@link FieldSectionParser} as HTTP/3's, since RFC 9113 section 8 and
 * RFC 9114 section 4 share their rules; a malformed one gets 400 with Proxy-Status and never reaches an origin.
 *
 * <p>Auto-read is off while the exchange says so ({@link #setReading(boolean)}): DATA frames then wait in the
 * stream channel and their flow-control credit is not returned, which is how a slow origin slows the client down.
 * Writes are flushed once per loop turn ({@link TurnFlush}), so a response's HEADERS and DATA share TLS records.
 */
final class Http2ExchangeHandler extends ChannelInboundHandlerAdapter implements ClientStream, CapsuleDatagrams.Sink {
    private static final Logger log = LoggerFactory.getLogger(Http2ExchangeHandler.class);

    private final ExchangeDriver driver;
    private final String altSvc;
    private final boolean extendedConnect;
    /** Non-null once a CONNECT-UDP stream switched to datagram mode: DATA then carries capsules. */
    private CapsuleDatagrams datagrams;
    private TunnelCounters counters;
    private ChannelHandlerContext ctx;
    private TurnFlush flush;
    private ClientStreamListener exchange;
    private boolean rejected;
    private boolean tunnel;
    private boolean inputClosed;
    private boolean outputClosed;
    private boolean reading = true;
    private long declaredLength = -1;
    /** A RST_STREAM went out for a stream error: closing must not send a second one. */
    private boolean outputClosedByReset;
    private long requestBodyBytes;
    /** The DATA completing a content-length body without END_STREAM, held until the end (see {@link HeldLastBody}). */
    private final HeldLastBody heldLastData = new HeldLastBody();

    /** @param extendedConnect whether SETTINGS_ENABLE_CONNECT_PROTOCOL was sent, so that :protocol is allowed */
    Http2ExchangeHandler(ExchangeDriver driver, String altSvc, boolean extendedConnect) {
        this.driver = driver;
        this.altSvc = altSvc;
        this.extendedConnect = extendedConnect;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.flush = new TurnFlush(ctx.channel(), ctx.channel().eventLoop());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame headers) {
            onHeaders(headers);
        } else if (msg instanceof Http2DataFrame data) {
            onData(data);
        } else if (msg instanceof Http2ResetFrame reset) {
            log.debug("C2P h2 stream {} reset by the client: {}", streamId(), reset.errorCode());
            abortFromClient(new IllegalStateException("stream reset by the client, error " + reset.errorCode()));
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHeaders(Http2HeadersFrame frame) {
        if (rejected) {
            return;
        }
        if (exchange == null) {
            RequestHead head;
            try {
                head = FieldSectionParser.parse(frame.headers());
                if (head.protocol() != null && !extendedConnect) {
                    // RFC 8441 4: :protocol is malformed unless SETTINGS_ENABLE_CONNECT_PROTOCOL was sent.
                    throw ProxyException.badRequest(":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL");
                }
            } catch (ProxyException e) {
                refuseLocally(e);
                return;
            }
            if (log.isDebugEnabled()) {
                log.debug("C2P h2 {} {}", streamId(), head);
            }
            declaredLength = FieldSyntax.contentLength(head.headers());
            tunnel = head.isConnect();
            exchange = driver.start(this, clientAddress(), "2", head);
            if (frame.isEndStream()) {
                endOfRequest(null);
            }
            return;
        }
        // A second HEADERS frame is the trailer section, and must end the stream (RFC 9113 8.1).
        if (!frame.isEndStream()) {
            abortMalformed("HEADERS after the request head without END_STREAM");
            return;
        }
        try {
            endOfRequest(FieldSectionParser.parseTrailers(frame.headers()));
        } catch (ProxyException e) {
            abortMalformed(e.getMessage());
        }
    }

    private void onData(Http2DataFrame frame) {
        if (exchange == null || rejected || inputClosed) {
            frame.release();
            return;
        }
        if (datagrams != null) {
            boolean end = frame.isEndStream();
            datagrams.read(frame.content());
            if (end && !rejected) {
                if (datagrams.endedMidCapsule()) {
                    // RFC 9297 3.3: a stream that ends inside a capsule is malformed.
                    onMalformed("stream ended inside a capsule");
                } else {
                    endOfRequest(null);
                }
            }
            return;
        }
        if (!frame.content().isReadable() && !frame.isEndStream()) {
            // An empty DATA frame says nothing, and must not release the held last bytes early.
            frame.release();
            return;
        }
        passHeldData();
        requestBodyBytes += frame.content().readableBytes();
        if (declaredLength >= 0 && requestBodyBytes > declaredLength) {
            frame.release();
            abortMalformed("request body longer than its content-length");
            return;
        }
        if (frame.isEndStream()) {
            if (declaredLength >= 0 && requestBodyBytes != declaredLength) {
                frame.release();
                abortMalformed("request body shorter than its content-length");
                return;
            }
            exchange.onRequestBody(frame.content());
            endOfRequest(null);
            return;
        }
        if (declaredLength >= 0 && requestBodyBytes == declaredLength) {
            heldLastData.hold(frame.content());
            return;
        }
        exchange.onRequestBody(frame.content());
    }

    private void endOfRequest(HttpHeaders trailers) {
        inputClosed = true;
        if (declaredLength >= 0 && requestBodyBytes != declaredLength) {
            abortMalformed("request body of " + requestBodyBytes + " bytes against a content-length of "
                    + declaredLength);
            return;
        }
        passHeldData();
        exchange.onRequestEnd(trailers);
    }

    private void passHeldData() {
        heldLastData.passTo(exchange);
    }

    private void releaseHeldData() {
        heldLastData.release();
    }

    /** A request that turned malformed after it became an exchange: the exchange ends and the stream is reset. */
    private void abortMalformed(String reason) {
        log.debug("C2P h2 stream {} malformed: {}", streamId(), reason);
        rejected = true;
        releaseHeldData();
        ClientStreamListener listener = exchange;
        if (!outputClosed) {
            outputClosed = true;
            // RFC 9113 8.1.1: a malformed message is a stream error of type PROTOCOL_ERROR.
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR), ctx.voidPromise());
        }
        if (listener != null) {
            listener.onClientAbort(ProxyException.badRequest(reason));
        }
    }

    /** Answers a request that never became an exchange with {@code error}'s status and Proxy-Status. */
    private void refuseLocally(ProxyException error) {
        rejected = true;
        log.debug("C2P h2 stream {} refused: {}", streamId(), error.getMessage());
        driver.reportRejected(clientAddress(), "2", error);
        ErrorResponses.send(this, driver.settings().proxyName(), error);
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
        abortMalformed("CONNECT-UDP: " + reason);
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
        releaseHeldData();
        if (datagrams != null) {
            datagrams.close();
        }
        if (exchange != null && !(outputClosed && inputClosed)) {
            exchange.onClientAbort(null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("C2P h2 stream {} error", streamId(), cause);
        abortFromClient(cause);
        Http2Exception.StreamException streamError = streamError(cause);
        if (streamError != null && !outputClosedByReset) {
            // Netty's codec found the stream malformed (a content-length the DATA does not match, say) and leaves
            // the reset to the stream: say why with the codec's error code, not the CANCEL a plain close sends.
            outputClosedByReset = true;
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(streamError.error()));
        }
        ctx.close();
    }

    private static Http2Exception.StreamException streamError(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof Http2Exception.StreamException e) {
                return e;
            }
        }
        return null;
    }

    private void abortFromClient(Throwable cause) {
        releaseHeldData();
        if (exchange != null && !outputClosed) {
            ClientStreamListener listener = exchange;
            outputClosed = true;
            listener.onClientAbort(cause);
        }
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
        ctx.write(new DefaultHttp2HeadersFrame(toHttp2(head, false), false), ctx.voidPromise());
        flush.request();
    }

    @Override
    public void writeHead(ResponseHead head, boolean endOfStream) {
        if (outputClosed) {
            return;
        }
        if (endOfStream || head.status() / 100 != 2) {
            tunnel = false;
        }
        if (endOfStream) {
            outputClosed = true;
            afterResponse(ctx.write(new DefaultHttp2HeadersFrame(toHttp2(head, true), true)));
            flush.request();
            return;
        }
        ctx.write(new DefaultHttp2HeadersFrame(toHttp2(head, true), false), ctx.voidPromise());
        flush.request();
    }

    private Http2Headers toHttp2(ResponseHead head, boolean finalHead) {
        Http2Headers headers = new DefaultHttp2Headers(false);
        headers.status(Integer.toString(head.status()));
        for (Map.Entry<String, String> field : head.headers()) {
            headers.add(field.getKey(), field.getValue());
        }
        if (finalHead && altSvc != null) {
            headers.set("alt-svc", altSvc);
        }
        return headers;
    }

    @Override
    public void writeBody(ByteBuf data) {
        if (outputClosed) {
            data.release();
            return;
        }
        ctx.write(new DefaultHttp2DataFrame(data, false), ctx.voidPromise());
        flush.request();
    }

    @Override
    public void writeEnd(HttpHeaders trailers) {
        if (outputClosed) {
            return;
        }
        outputClosed = true;
        ChannelFuture last;
        if (trailers != null && !trailers.isEmpty()) {
            Http2Headers fields = new DefaultHttp2Headers(false);
            for (Map.Entry<String, String> field : trailers) {
                fields.add(field.getKey(), field.getValue());
            }
            last = ctx.write(new DefaultHttp2HeadersFrame(fields, true));
        } else {
            last = ctx.write(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
        }
        flush.request();
        afterResponse(last);
    }

    /**
     * RFC 9113 8.1: a response complete while the client still sends is followed by RST_STREAM NO_ERROR, which
     * tells it to stop. Only once the response's last frame has been written: a reset closes the stream channel,
     * which drops whatever it still holds, and the answer's body and END_STREAM would never leave (seen: a 405 to a
     * 200 KB POST reached the client as its head alone, then the reset). Not on a tunnel, where the target's end
     * closes one direction only.
     */
    private void afterResponse(ChannelFuture lastFrame) {
        if (tunnel) {
            return;
        }
        lastFrame.addListener(written -> {
            if (!inputClosed && ctx.channel().isActive()) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR), ctx.voidPromise());
            }
        });
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
        outputClosed = true;
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(originSawRequest ? Http2Error.INTERNAL_ERROR
                : Http2Error.REFUSED_STREAM), ctx.voidPromise());
    }

    @Override
    public boolean startDatagrams(TunnelCounters tunnelCounters) {
        counters = tunnelCounters;
        datagrams = new CapsuleDatagrams(ctx.alloc(), tunnelCounters, this);
        return true;
    }

    /** HTTP/2 has no unreliable frames: every UDP payload is a DATAGRAM capsule on the stream (RFC 9298 5). */
    @Override
    public void writeDatagram(ByteBuf payload) {
        if (outputClosed || datagrams == null) {
            if (counters != null) {
                counters.drop(TunnelCounters.Drop.NOT_OPEN);
            }
            payload.release();
            return;
        }
        ctx.write(new DefaultHttp2DataFrame(datagrams.encode(ctx.alloc(), payload), false), ctx.voidPromise());
        flush.request();
    }

    @Override
    public X509Certificate[] peerCertificates() {
        return TlsPeer.certificates(connection());
    }

    private Channel connection() {
        return ctx.channel().parent();
    }

    private int streamId() {
        return ((Http2StreamChannel) ctx.channel()).stream().id();
    }

    private InetSocketAddress clientAddress() {
        return connection().remoteAddress() instanceof InetSocketAddress inet ? inet : null;
    }
}
