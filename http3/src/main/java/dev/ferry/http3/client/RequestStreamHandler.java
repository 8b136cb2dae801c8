package dev.ferry.http3.client;

import dev.ferry.http3.Http3StreamFin;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;

/**
 * Drives one request stream: writes the HEADERS frame and the body in DATA frames no faster than the stream can take
 * them, then turns the response frames into {@link ResponseListener} calls. Resets and early closes become a single
 * {@link ResponseListener#onError} so that callers never wait on a stream that is gone.
 */
final class RequestStreamHandler extends ChannelInboundHandlerAdapter {
    /** Size of each request DATA frame; large enough to amortise framing, small enough to bound memory. */
    static final int CHUNK_SIZE = 64 * 1024;

    private final Http3Headers head;
    private final RequestBody body;
    private final ResponseListener listener;
    private final Http3Exchange exchange;
    private RequestBody.Source source;
    private ChannelFuture lastWrite;
    private boolean bodyDone;
    private boolean headSeen;
    private boolean done;

    RequestStreamHandler(Http3Headers head, RequestBody body, ResponseListener listener, Http3Exchange exchange) {
        this.head = head;
        this.body = body;
        this.listener = listener;
        this.exchange = exchange;
    }

    /** Called on the stream's event loop once the stream is open; any failure ends the exchange, never hangs it. */
    void start(QuicStreamChannel stream) {
        exchange.attach(stream);
        try {
            if (body.length() == 0) {
                bodyDone = true;
                stream.writeAndFlush(new DefaultHttp3HeadersFrame(head)).addListener(this::failOnWriteError);
                Http3StreamFin.send(stream);
                return;
            }
            source = body.open();
            lastWrite = stream.write(new DefaultHttp3HeadersFrame(head)).addListener(this::failOnWriteError);
            pump(stream);
        } catch (Throwable e) {
            fail(stream, e);
        }
    }

    private void pump(QuicStreamChannel stream) {
        if (bodyDone || done) {
            return;
        }
        try {
            while (stream.isWritable()) {
                ByteBuf chunk = source.next(stream.alloc(), CHUNK_SIZE);
                if (chunk == null) {
                    bodyDone = true;
                    closeSource();
                    // The FIN is queued behind every DATA frame already written (see Http3StreamFin).
                    stream.flush();
                    Http3StreamFin.send(stream);
                    return;
                }
                lastWrite = stream.writeAndFlush(new DefaultHttp3DataFrame(chunk)).addListener(this::failOnWriteError);
            }
        } catch (IOException | RuntimeException e) {
            fail(stream, e);
        }
    }

    private void failOnWriteError(io.netty.util.concurrent.Future<? super Void> f) {
        if (!f.isSuccess()) {
            QuicStreamChannel stream = (QuicStreamChannel) ((ChannelFuture) f).channel();
            if (f.cause() instanceof QuicStreamResetException reset) {
                fail(stream, Http3StreamResetException.reset(stream.streamId(), reset.applicationProtocolCode(),
                        reset));
            } else {
                fail(stream, new IOException("writing the request on stream " + stream.streamId() + " failed: "
                        + f.cause(), f.cause()));
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && source != null) {
            pump((QuicStreamChannel) ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
        try {
            if (done) {
                return;
            }
            if (msg instanceof Http3HeadersFrame frame) {
                onHeaders(frame.headers());
            } else if (msg instanceof Http3DataFrame frame) {
                if (!headSeen) {
                    throw new IOException("DATA before the response head on stream " + stream.streamId());
                }
                listener.onData(frame.content());
            }
        } catch (Exception e) {
            if (stream.isOpen()) {
                stream.shutdown(Http3ErrorCode.H3_REQUEST_CANCELLED.code());
            }
            fail(stream, e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHeaders(Http3Headers headers) {
        if (headSeen) {
            listener.onTrailers(headers);
            return;
        }
        CharSequence status = headers.status();
        if (status != null && status.length() == 3 && status.charAt(0) == '1') {
            listener.onInformational(headers);
            return;
        }
        if (status == null || status.length() != 3 || !Character.isDigit(status.charAt(0))
                || !Character.isDigit(status.charAt(1)) || !Character.isDigit(status.charAt(2))) {
            throw new IllegalStateException("response head without a valid :status: " + status);
        }
        headSeen = true;
        listener.onHead(headers);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE && !done) {
            if (!headSeen) {
                fail(ctx.channel(), new Http3StreamResetException("stream " + ((QuicStreamChannel) ctx.channel())
                        .streamId() + " ended before a response head", Http3StreamResetException.UNKNOWN_CODE, null));
            } else {
                done = true;
                closeSource();
                try {
                    listener.onComplete();
                    exchange.completion().complete(null);
                } catch (RuntimeException e) {
                    exchange.completion().completeExceptionally(e);
                }
            }
            // The response is complete; whatever of the request is still unsent is no longer wanted.
            ctx.channel().close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
        if (cause instanceof QuicStreamResetException reset) {
            fail(stream, Http3StreamResetException.reset(stream.streamId(), reset.applicationProtocolCode(), reset));
        } else {
            fail(stream, cause);
        }
        stream.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
            String why = stream.parent().isActive() ? "" : " (connection closed)";
            fail(stream, new Http3StreamResetException("stream " + stream.streamId()
                    + " closed without a FIN before the response was complete" + why,
                    Http3StreamResetException.UNKNOWN_CODE, null));
        }
        closeSource();
        ctx.fireChannelInactive();
    }

    private void fail(Channel stream, Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        closeSource();
        try {
            listener.onError(cause);
        } finally {
            exchange.completion().completeExceptionally(cause);
            if (stream.isOpen()) {
                stream.close();
            }
        }
    }

    private void closeSource() {
        bodyDone = true;
        if (source != null) {
            try {
                source.close();
            } catch (IOException ignored) {
                // Only a read handle; nothing was written through it.
            }
            source = null;
        }
    }
}
