package dev.ferry.origin.tunnel;

import dev.ferry.bridge.transport.Transport;
import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.tunnel.TunnelListener;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;

/**
 * The TCP side of a CONNECT tunnel. Half-closure is allowed so that a FIN from the target reaches the client as the
 * end of the stream while bytes still flow the other way (RFC 9114 4.4).
 */
final class TcpTunnelEndpoint extends SocketTunnelEndpoint {
    private final long connectTimeoutMillis;
    private boolean open;
    private boolean ended;

    TcpTunnelEndpoint(EventLoop loop, TunnelListener listener, long connectTimeoutMillis) {
        super(loop, listener);
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    @Override
    void connect(InetSocketAddress remote, InetSocketAddress local) {
        connect(new Bootstrap().channel(Transport.of(loop).socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis))
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true), remote, local);
    }

    @Override
    protected void onConnected() {
        open = true;
    }

    /**
     * Sends the FIN after every byte written so far. Not at once: Netty's {@code shutdownOutput} fails writes still
     * waiting in the socket's outbound buffer, so a client's last bytes would be lost whenever the target reads
     * slower than they arrive. An empty write completes after every earlier one, and the FIN follows it.
     */
    @Override
    public void shutdownOutput() {
        if (channel != null && !isClosed() && channel.isActive()) {
            SocketChannel socket = (SocketChannel) channel;
            socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
                if (written.isSuccess() && socket.isActive()) {
                    socket.shutdownOutput();
                }
            });
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (isClosed()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        listener.onTunnelData((ByteBuf) msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE && !isClosed() && !ended) {
            ended = true;
            listener.onTunnelEnd();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (open && !isClosed() && !ended) {
            ended = true;
            listener.onTunnelEnd();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (open && !isClosed()) {
            listener.onTunnelFailure(new ProxyException(ProxyErrorType.CONNECTION_TERMINATED,
                    ProxyException.Side.ORIGIN, false, "tunnel target: " + cause.getMessage(), cause));
        }
        ctx.close();
    }
}
