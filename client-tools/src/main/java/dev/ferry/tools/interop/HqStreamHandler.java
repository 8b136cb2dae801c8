package dev.ferry.tools.interop;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code hq-interop} download on its own stream: sends the request line with the FIN on the same STREAM frame
 * (an empty FIN-only frame is what can get stuck; see {@code Http3StreamFin}), then writes every byte that arrives
 * to the file until the server's FIN.
 *
 * <p>Bytes go to the file on the event loop, as they come: a local file takes them at once, and while it does the
 * stream is not read further, so QUIC flow control holds the server back rather than memory filling up.
 */
final class HqStreamHandler extends ChannelInboundHandlerAdapter {
    private final Download download;
    private final FileChannel file;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private long received;

    HqStreamHandler(Download download, FileChannel file) {
        this.download = download;
        this.file = file;
    }

    CompletableFuture<Long> result() {
        return result;
    }

    /** The request line for {@code path}; HTTP/0.9 has nothing else. */
    static String requestLine(String path) {
        return "GET " + path + "\r\n";
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        byte[] line = requestLine(download.path()).getBytes(StandardCharsets.US_ASCII);
        ByteBuf request = ctx.alloc().directBuffer(line.length).writeBytes(line);
        ctx.writeAndFlush(new DefaultQuicStreamFrame(request, true)).addListener(f -> {
            if (!f.isSuccess()) {
                fail(new IOException("sending the request for " + download.path() + " failed: " + f.cause(),
                        f.cause()));
                ctx.close();
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf data && !result.isDone()) {
                received += data.readableBytes();
                while (data.isReadable()) {
                    data.readBytes(file, data.readableBytes());
                }
            }
        } catch (IOException e) {
            fail(new IOException("writing " + download.file() + " failed: " + e.getMessage(), e));
            ctx.close();
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE && !result.isDone()) {
            try {
                file.close();
                result.complete(received);
            } catch (IOException e) {
                fail(e);
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        long stream = ((QuicStreamChannel) ctx.channel()).streamId();
        if (cause instanceof QuicStreamResetException reset) {
            fail(new IOException("the server reset stream " + stream + " (" + download.path() + ") with error 0x"
                    + Long.toHexString(reset.applicationProtocolCode()) + " after " + received + " bytes", cause));
        } else {
            fail(new IOException("stream " + stream + " (" + download.path() + ") failed after " + received
                    + " bytes: " + cause, cause));
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!result.isDone()) {
            QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
            String why = stream.parent().isActive() ? "" : " (the connection closed)";
            fail(new IOException("stream " + stream.streamId() + " (" + download.path() + ") closed after "
                    + received + " bytes without the server's FIN" + why));
        }
        ctx.fireChannelInactive();
    }

    /** Ends the download with {@code cause}, unless it has ended already; closes the file either way. */
    void fail(Throwable cause) {
        try {
            file.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
        result.completeExceptionally(cause);
    }
}
