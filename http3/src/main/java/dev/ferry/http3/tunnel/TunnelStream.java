package dev.ferry.http3.tunnel;

import dev.ferry.bridge.headers.GeohashHint;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.Http3StreamFin;
import dev.ferry.http3.StreamWriteCoalescer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.CompletableFuture;

/**
 * One CONNECT request stream, the part both tunnel kinds share: send the request head, wait for the answer, turn a
 * refusal into a {@link TunnelException} that names the status and {@code Proxy-Status}, then hand the stream's DATA
 * to the subclass. Unlike an ordinary request, the request side stays open after the head: the tunnel's bytes follow
 * it, and the FIN means the tunnel ends. All methods run on the stream's event loop.
 */
abstract class TunnelStream extends ChannelInboundHandlerAdapter {
    /** Completes when the relay answered 2xx; fails on a refusal or if the stream dies first. */
    final CompletableFuture<Void> opened = new CompletableFuture<>();
    /** Completes when the stream is closed: normally after both FINs, exceptionally after a reset or error. */
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Http3Headers head;
    private final String kind;
    private final String target;
    private final String description;
    QuicStreamChannel stream;
    /** The connection's event loop, which every stream of it shares. */
    EventLoop loop;
    private boolean headSeen;
    private Throwable failure;

    /**
     * @param kind   what is asked for, for messages: {@code CONNECT} or {@code CONNECT-UDP}
     * @param target the target as the user named it, for messages
     */
    TunnelStream(Http3Headers head, String kind, String target) {
        this.head = head;
        this.kind = kind;
        this.target = target;
        this.description = kind + " " + target;
    }

    /** A CONNECT head with the token, if any; the caller adds the pseudo-headers that differ. */
    static Http3Headers connectHead(TunnelOptions options) {
        Http3Headers head = new DefaultHttp3Headers();
        head.method("CONNECT");
        if (options.token() != null) {
            head.add("proxy-authorization", "Bearer " + options.token());
        }
        if (options.geohash() != null) {
            head.add(GeohashHint.FIELD, GeohashHint.fieldValue(options.geohash()));
        }
        return head;
    }

    /** Opens the request stream on {@code connection}; failures complete {@link #opened} exceptionally. */
    void open(Http3Connection connection) {
        loop = connection.quicChannel().eventLoop();
        Http3.newRequestStream(connection.quicChannel(), this).addListener(f -> {
            if (!f.isSuccess()) {
                fail(new TunnelException("cannot open a stream for " + description + ": " + f.cause(), f.cause()));
                closed.complete(null);
                return;
            }
            stream = (QuicStreamChannel) f.getNow();
            // Capsules and tunnelled bytes written in one loop turn leave in as few packets as they fit.
            stream.pipeline().addFirst(new StreamWriteCoalescer());
            try {
                onStreamCreated(stream);
                stream.writeAndFlush(new DefaultHttp3HeadersFrame(head)).addListener(this::failOnWriteError);
            } catch (RuntimeException e) {
                fail(e);
                stream.close();
            }
        });
    }

    /** Called once the stream exists, before the request head is written (to register for datagrams, say). */
    void onStreamCreated(QuicStreamChannel stream) {
    }

    /** One DATA frame's payload after the 2xx; the subclass owns and releases it. */
    abstract void onData(ByteBuf data);

    /** The relay sent its FIN after a 2xx: no more data will come. */
    abstract void onInputEnd();

    /** The stream is closed, cleanly when {@code cause} is null. */
    void onClosed(Throwable cause) {
    }

    void failOnWriteError(io.netty.util.concurrent.Future<? super Void> f) {
        if (!f.isSuccess() && stream != null) {
            fail(new TunnelException(description + ": write failed: " + f.cause(), f.cause()));
            stream.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http3DataFrame frame && headSeen) {
            onData(frame.content());
            return;
        }
        try {
            if (msg instanceof Http3HeadersFrame frame && !headSeen) {
                onHead(frame.headers());
            } else if (msg instanceof Http3DataFrame) {
                fail(new TunnelException(description + ": DATA before the response head", null));
                ctx.close();
            }
            // Trailers and unknown frames carry nothing a tunnel needs.
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(Http3Headers headers) {
        CharSequence statusText = headers.status();
        int status;
        try {
            status = statusText == null ? -1 : Integer.parseInt(statusText.toString());
        } catch (NumberFormatException e) {
            status = -1;
        }
        if (status >= 100 && status < 200) {
            return;
        }
        if (status >= 200 && status < 300) {
            headSeen = true;
            opened.complete(null);
            return;
        }
        CharSequence proxyStatus = headers.get("proxy-status");
        fail(TunnelException.refused(kind, target, status, proxyStatus == null ? null : proxyStatus.toString()));
        stream.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            if (headSeen) {
                onInputEnd();
            } else {
                fail(new TunnelException(description + ": the relay ended the stream without an answer", null));
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof QuicStreamResetException reset) {
            fail(new TunnelException(description + ": stream reset by the relay (code 0x"
                    + Long.toHexString(reset.applicationProtocolCode()) + ")", reset));
        } else {
            fail(new TunnelException(description + ": " + cause, cause));
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!opened.isDone()) {
            fail(new TunnelException(description + ": stream closed before the relay answered", null));
        }
        onClosed(failure);
        if (failure == null) {
            closed.complete(null);
        } else {
            closed.completeExceptionally(failure);
        }
        ctx.fireChannelInactive();
    }

    /** Records the first failure; fails {@link #opened} if the tunnel was not open yet. */
    void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        opened.completeExceptionally(cause);
    }

    /** Runs {@code task} on the stream's event loop, now if already there. */
    void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /**
     * Sends the FIN behind every frame already written. Not {@code shutdownOutput()}: Netty's QUIC stream writes that
     * FIN past its queue of writes waiting for flow-control credit (ending the stream before those bytes), and an
     * empty FIN can stay unsent under load; {@link Http3StreamFin} avoids both.
     */
    void finishOutput() {
        Http3StreamFin.send(stream);
    }
}
