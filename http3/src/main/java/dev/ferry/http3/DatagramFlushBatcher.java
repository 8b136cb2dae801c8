package dev.ferry.http3;

import dev.ferry.bridge.transport.TurnFlush;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Holds a QUIC UDP socket's flushes until the end of the event loop's turn. Netty's QUIC codec flushes the socket
 * each time a connection has built packets, and a stream write outside the connection's read makes it build them
 * at once: answers from a hundred origin connections in one turn would each cost a {@code sendto}. Held here, they
 * leave together: one {@code sendmmsg} on epoll, with GSO for each connection's run of packets.
 *
 * <p>Sits between the socket's head and the QUIC codec (or Netty's dispatcher), so it sees the codec's flushes. A
 * close writes what is pending first.
 */
public final class DatagramFlushBatcher extends ChannelOutboundHandlerAdapter {
    private TurnFlush endOfTurn;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        endOfTurn = new TurnFlush(ctx, ctx.executor());
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        endOfTurn.request();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.flush();
        ctx.close(promise);
    }
}
