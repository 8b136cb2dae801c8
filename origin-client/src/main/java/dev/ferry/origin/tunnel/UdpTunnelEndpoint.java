package dev.ferry.origin.tunnel;

import dev.ferry.bridge.transport.Transport;
import dev.ferry.bridge.transport.UdpPayloads;
import dev.ferry.bridge.tunnel.TunnelListener;
import dev.ferry.origin.OriginFailures;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.net.PortUnreachableException;

/**
 * The UDP side of a CONNECT-UDP tunnel: one connected UDP socket per request (RFC 9298 3.1), so the kernel drops
 * datagrams from anyone but the target. Unreachable-port errors are not fatal: UDP peers come and go.
 */
final class UdpTunnelEndpoint extends SocketTunnelEndpoint {

    UdpTunnelEndpoint(EventLoop loop, TunnelListener listener) {
        super(loop, listener);
    }

    @Override
    void connect(InetSocketAddress remote, InetSocketAddress local) {
        connect(new Bootstrap().channel(Transport.of(loop).datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, UdpPayloads.receiveAllocator()), remote, local);
    }

    @Override
    public void shutdownOutput() {
        // UDP has no half-close.
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (isClosed() || !(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        listener.onTunnelData(UdpPayloads.compact(ctx.alloc(), packet.content()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PortUnreachableException) {
            return;
        }
        if (!isClosed()) {
            listener.onTunnelFailure(OriginFailures.exchangeFailed("udp target", cause, true));
        }
        ctx.close();
    }
}
