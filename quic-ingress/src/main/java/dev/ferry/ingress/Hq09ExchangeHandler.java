package dev.ferry.ingress;

import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.ClientStream;
import dev.ferry.bridge.exchange.ClientStreamListener;
import dev.ferry.bridge.exchange.ExchangeDriver;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.exchange.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/0.9 request over a QUIC stream (ALPN {@code hq-interop}, the protocol of the QUIC interop runner), as
 * the client side of an exchange: the client sends {@code GET /path} and a line end, then its FIN; the answer is the
 * body's bytes and a FIN, nothing else. HTTP/0.9 has no status: anything but a 200 resets the stream, so a client
 * never takes an error page for the file it asked for.
 *
 * <p>The request line is held to {@link #MAX_REQUEST_LINE} bytes and must be {@code GET} and an origin-form path
 * of visible ASCII; anything else resets the stream and reaches no origin. The last body chunk is held until the
 * response ends so that the FIN rides on data (an empty STREAM frame with only a FIN can stall under load; see
 * {@code Http3StreamFin}).
 */
final class Hq09ExchangeHandler extends ChannelInboundHandlerAdapter implements ClientStream {
    private static final Logger log = LoggerFactory.getLogger(Hq09ExchangeHandler.class);
    /** Longest request line taken, line end included. */
    static final int MAX_REQUEST_LINE = 8 * 1024;
    /** QUIC application error code for a refused or failed hq-interop stream (the protocol defines none). */
    static final int HQ_ERROR = 0x1;

    private final ExchangeDriver driver;
    /** Null when the listener takes no early data. */
    private final EarlyRequests earlyRequests;
    private ChannelHandlerContext ctx;
    private ByteBuf line;
    private ClientStreamListener exchange;
    private boolean inputClosed;
    private boolean outputClosed;
    private boolean reading = true;
    private ByteBuf lastChunk;

    Hq09ExchangeHandler(ExchangeDriver driver, EarlyRequests earlyRequests) {
        this.driver = driver;
        this.earlyRequests = earlyRequests;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf data) || exchange != null || outputClosed) {
            // HTTP/0.9 requests have no body: bytes after the request line are ignored.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (line == null) {
            line = ctx.alloc().heapBuffer(128, MAX_REQUEST_LINE);
        }
        int room = MAX_REQUEST_LINE - line.readableBytes();
        line.writeBytes(data, Math.min(room, data.readableBytes()));
        data.release();
        int end = line.indexOf(line.readerIndex(), line.writerIndex(), (byte) '\n');
        if (end >= 0) {
            startRequest(line.toString(line.readerIndex(), end - line.readerIndex(), StandardCharsets.US_ASCII));
        } else if (line.readableBytes() >= MAX_REQUEST_LINE) {
            refuse("request line longer than " + MAX_REQUEST_LINE + " bytes");
        }
    }

    private void startRequest(String requestLine) {
        releaseLine();
        String text = requestLine.endsWith("\r") ? requestLine.substring(0, requestLine.length() - 1) : requestLine;
        String path = parsePath(text);
        if (path == null) {
            refuse("not an HTTP/0.9 GET line: " + abbreviate(text));
            return;
        }
        RequestHead head = RequestHead.builder().method("GET").scheme("https").authority(serverName()).path(path)
                .build();
        log.debug("C2P {} hq-interop GET {}", stream().streamId(), path);
        EarlyData early = earlyRequests == null ? null : EarlyData.of(stream().parent());
        if (early != null && !early.confirmed()) {
            // A GET without a body: safe to serve from early data (RFC 8470). With no status to carry a 425, an
            // origin's refusal resets the stream like any other non-200 answer.
            earlyRequests.countForwardedEarly();
            head = EarlyRequests.marked(head);
        }
        exchange = driver.start(this, clientAddress(), "0.9", head);
        if (inputClosed) {
            exchange.onRequestEnd(null);
        }
    }

    /** The path of {@code GET /path}, or null when the line is anything else. */
    static String parsePath(String line) {
        if (!line.startsWith("GET /")) {
            return null;
        }
        String path = line.substring(4);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return null;
            }
        }
        return path;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    /**
     * The address the client reached, as the request's authority (HTTP/0.9 carries none); null when the listener
     * is bound to a wildcard address, whose address says nothing.
     */
    private String serverName() {
        SocketAddress local = stream().parent().localSocketAddress();
        if (!(local instanceof InetSocketAddress inet) || inet.getAddress() == null
                || inet.getAddress().isAnyLocalAddress()) {
            return null;
        }
        String host = inet.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }

    private void refuse(String reason) {
        releaseLine();
        log.debug("C2P {} hq-interop refused: {}", stream().streamId(), reason);
        driver.reportRejected(clientAddress(), "0.9", ProxyException.badRequest(reason));
        outputClosed = true;
        stream().shutdown(HQ_ERROR);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            inputClosed = true;
            if (exchange != null) {
                exchange.onRequestEnd(null);
            } else if (!outputClosed) {
                refuse("stream ended before a complete request line");
            }
        }
        ctx.fireUserEventTriggered(evt);
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
        releaseLine();
        releaseLastChunk();
        if (exchange != null && !outputClosed) {
            outputClosed = true;
            exchange.onClientAbort(null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("C2P {} hq-interop error", stream().streamId(), cause);
        if (exchange != null && !outputClosed) {
            outputClosed = true;
            exchange.onClientAbort(cause);
        }
        ctx.close();
    }

    private void releaseLine() {
        if (line != null) {
            line.release();
            line = null;
        }
    }

    private void releaseLastChunk() {
        if (lastChunk != null) {
            lastChunk.release();
            lastChunk = null;
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
        // HTTP/0.9 has no interim answers.
    }

    @Override
    public void writeHead(ResponseHead head, boolean endOfStream) {
        if (outputClosed) {
            return;
        }
        if (head.status() != 200) {
            // No status line to carry it: a reset is the only way to say "not this file".
            log.debug("C2P {} hq-interop answered {}: stream reset", stream().streamId(), head.status());
            outputClosed = true;
            stream().shutdown(HQ_ERROR);
            return;
        }
        if (endOfStream) {
            finish();
        }
    }

    @Override
    public void writeBody(ByteBuf data) {
        if (outputClosed) {
            data.release();
            return;
        }
        if (lastChunk != null) {
            ctx.writeAndFlush(lastChunk, ctx.voidPromise());
        }
        lastChunk = data;
    }

    @Override
    public void writeEnd(HttpHeaders trailers) {
        if (!outputClosed) {
            finish();
        }
    }

    /** Writes the held chunk (or nothing) with the FIN. */
    private void finish() {
        outputClosed = true;
        ByteBuf last = lastChunk == null ? Unpooled.EMPTY_BUFFER : lastChunk;
        lastChunk = null;
        ctx.writeAndFlush(new DefaultQuicStreamFrame(last, true), ctx.voidPromise());
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void setReading(boolean reading) {
        if (this.reading != reading) {
            this.reading = reading;
            ctx.channel().config().setAutoRead(reading);
        }
    }

    @Override
    public void reset(boolean originSawRequest) {
        outputClosed = true;
        releaseLastChunk();
        stream().shutdown(HQ_ERROR);
    }

    private QuicStreamChannel stream() {
        return (QuicStreamChannel) ctx.channel();
    }

    private InetSocketAddress clientAddress() {
        SocketAddress remote = ((QuicChannel) ctx.channel().parent()).remoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet : null;
    }
}
