package dev.ferry.ingress;

import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.ClientStream;
import dev.ferry.bridge.exchange.ClientStreamListener;
import dev.ferry.bridge.exchange.ExchangeDriver;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.exchange.ResponseHead;
import dev.ferry.bridge.headers.Http3RequestParser;
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
import io.netty.channel.ChannelFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;

/**
 * One HTTP/3 request stream as the client side of an exchange. Parses and validates the request head (a malformed
 * request resets the stream with H3_MESSAGE_ERROR and never reaches an origin), feeds body and trailers to the
 * exchange, and writes the response as HEADERS and DATA frames.
 *
 * <p>Auto-read is off: the exchange asks for request body with {@link #setReading(boolean)}, which is how a slow
 * origin slows the client down through QUIC stream flow control.
 */
final class Http3ExchangeHandler extends Http3RequestStreamInboundHandler implements ClientStream {
    private static final Logger log = LoggerFactory.getLogger(Http3ExchangeHandler.class);

    private final ExchangeDriver driver;
    private ChannelHandlerContext ctx;
    private ClientStreamListener exchange;
    private HttpHeaders trailers;
    private boolean rejected;
    private boolean inputClosed;
    private boolean outputClosed;
    private boolean reading = true;
    /** The last frame written, so the FIN follows every byte of the response. */
    private ChannelFuture lastWrite;

    Http3ExchangeHandler(ExchangeDriver driver) {
        this.driver = driver;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
        if (rejected) {
            return;
        }
        if (exchange == null) {
            RequestHead head;
            try {
                head = Http3RequestParser.parse(frame.headers());
            } catch (ProxyException e) {
                reject(e);
                return;
            }
            if (log.isDebugEnabled()) {
                log.debug("C2P {} {}", stream().streamId(), head);
            }
            exchange = driver.start(this, clientAddress(), "3", head);
            return;
        }
        try {
            trailers = Http3RequestParser.parseTrailers(frame.headers());
        } catch (ProxyException e) {
            reject(e);
        }
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
        if (exchange == null || rejected) {
            frame.release();
            return;
        }
        exchange.onRequestBody(frame.content());
    }

    @Override
    protected void channelInputClosed(ChannelHandlerContext ctx) {
        inputClosed = true;
        if (exchange != null && !rejected) {
            exchange.onRequestEnd(trailers);
        }
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
        if (exchange != null && !outputClosed) {
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
        } else {
            log.debug("C2P stream {} error", stream().streamId(), cause);
            abortFromClient(cause);
        }
    }

    private void abortFromClient(Throwable cause) {
        if (exchange != null && !outputClosed) {
            ClientStreamListener listener = exchange;
            outputClosed = true;
            listener.onClientAbort(cause);
        }
    }

    private void reject(ProxyException e) {
        rejected = true;
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
    public void writeHead(ResponseHead head, boolean endOfStream) {
        Http3HeadersFrame frame = new DefaultHttp3HeadersFrame();
        Http3Headers headers = frame.headers();
        headers.status(Integer.toString(head.status()));
        for (Map.Entry<String, String> field : head.headers()) {
            headers.add(field.getKey(), field.getValue());
        }
        lastWrite = ctx.writeAndFlush(frame);
        if (endOfStream) {
            outputClosed = true;
            lastWrite.addListener(f -> finishOutput());
        }
    }

    @Override
    public void writeBody(ByteBuf data) {
        if (outputClosed) {
            data.release();
            return;
        }
        lastWrite = ctx.writeAndFlush(new DefaultHttp3DataFrame(data));
    }

    @Override
    public void writeEnd(HttpHeaders trailers) {
        if (outputClosed) {
            return;
        }
        outputClosed = true;
        if (trailers != null && !trailers.isEmpty()) {
            Http3HeadersFrame frame = new DefaultHttp3HeadersFrame();
            for (Map.Entry<String, String> field : trailers) {
                frame.headers().add(field.getKey(), field.getValue());
            }
            lastWrite = ctx.writeAndFlush(frame);
        }
        if (lastWrite == null) {
            finishOutput();
        } else {
            lastWrite.addListener(f -> finishOutput());
        }
    }

    private void finishOutput() {
        if (!ctx.channel().isActive()) {
            return;
        }
        stream().shutdownOutput();
        if (!inputClosed) {
            // The response is complete while the client still sends: tell it to stop (RFC 9114 4.1).
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
        outputClosed = true;
        Http3ErrorCode code = originSawRequest ? Http3ErrorCode.H3_INTERNAL_ERROR : Http3ErrorCode.H3_REQUEST_REJECTED;
        stream().shutdown(code.code());
    }

    private QuicStreamChannel stream() {
        return (QuicStreamChannel) ctx.channel();
    }

    private InetSocketAddress clientAddress() {
        SocketAddress remote = ((QuicChannel) ctx.channel().parent()).remoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet : null;
    }
}
