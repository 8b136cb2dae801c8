package dev.ferry.origin.tunnel;

import dev.ferry.bridge.transport.Transport;
import dev.ferry.bridge.transport.TurnFlush;
import dev.ferry.bridge.tunnel.TunnelEndpoint;
import dev.ferry.bridge.tunnel.TunnelListener;
import dev.ferry.origin.OriginFailures;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;

/**
 * What TCP and UDP tunnel sockets share: a channel on the tunnel's event loop that is read only on demand, and
 * writes that are dropped once closed. Subclasses connect and translate the socket's events.
 */
abstract class SocketTunnelEndpoint extends ChannelInboundHandlerAdapter implements TunnelEndpoint {
    protected final EventLoop loop;
    protected final TunnelListener listener;
    protected Channel channel;
    private TurnFlush flush;
    private boolean closed;
    private boolean reading;

    SocketTunnelEndpoint(EventLoop loop, TunnelListener listener) {
        this.loop = loop;
        this.listener = listener;
    }

    /**
     * Connects to the resolved, allowed address and reports {@link TunnelListener#onTunnelOpen}.
     *
     * @param local the address to leave from, or null for the system's choice
     */
    abstract void connect(InetSocketAddress remote, InetSocketAddress local);

    /**
     * Connects with {@code bootstrap} (whose handler is this endpoint, reading off until asked), then reports the
     * tunnel open or failed; a close that raced the connect wins.
     */
    protected void connect(Bootstrap bootstrap, InetSocketAddress remote, InetSocketAddress local) {
        bootstrap.group(loop).option(ChannelOption.AUTO_READ, false).handler(this);
        ChannelFuture connect = local == null ? bootstrap.connect(remote) : bootstrap.connect(remote, local);
        channel = connect.channel();
        flush = new TurnFlush(channel, loop);
        connect.addListener(f -> {
            if (isClosed()) {
                channel.close();
            } else if (!f.isSuccess()) {
                listener.onTunnelFailure(OriginFailures.connectFailed(remote.toString(), f.cause()));
            } else {
                onConnected();
                channel.config().setAutoRead(reading);
                listener.onTunnelOpen(remote);
            }
        });
    }

    /** Called once connected, before the tunnel is reported open. */
    protected void onConnected() {
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void write(ByteBuf data) {
        if (closed || channel == null) {
            data.release();
            return;
        }
        // What the client sent in one loop turn (several QUIC packets' worth) leaves in one system call.
        channel.write(data, channel.voidPromise());
        flush.request();
    }

    @Override
    public boolean isWritable() {
        return channel != null && !closed && channel.isWritable();
    }

    @Override
    public void setReading(boolean reading) {
        this.reading = reading;
        if (channel != null && !closed) {
            Transport.setReading(channel, reading);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (channel != null) {
            // Written this turn but not yet flushed: send it before the socket goes.
            channel.flush();
            channel.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!closed) {
            listener.onTunnelWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }
}
