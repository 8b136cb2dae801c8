package dev.ferry.tools.tunnel;

import dev.ferry.bridge.transport.Transport;
import dev.ferry.bridge.transport.TurnFlush;
import dev.ferry.bridge.transport.UdpPayloads;
import dev.ferry.http3.tunnel.UdpTunnel;
import dev.ferry.http3.tunnel.UdpTunnelClient;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A local UDP socket in front of one {@link UdpTunnel}, the way {@code socat UDP-LISTEN} fronts a remote
 * socket: datagrams from a local program go through the tunnel, and the target's answers go back to the program.
 * The peer is whoever sent last, which is what a single UDP client (a QUIC client, a DNS resolver) needs.
 *
 * <p>Order of use: {@link #bind}, open the tunnel with {@link #towardsPeer()} as its receiver, then
 * {@link #attach}. Datagrams that arrive before {@code attach} or before any peer is known are dropped and counted.
 */
public final class UdpTunnelRelay implements AutoCloseable {
    /** Socket buffers large enough to absorb a burst while the tunnel catches up. */
    private static final int SOCKET_BUFFER = 4 << 20;

    private final Channel channel;
    /** The target's answers that came in one loop turn leave together (one sendmmsg on epoll). */
    private final TurnFlush flush;
    private final LongAdder fromPeer = new LongAdder();
    private final LongAdder toPeer = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile UdpTunnel tunnel;
    private volatile InetSocketAddress peer;

    private UdpTunnelRelay(Channel channel) {
        this.channel = channel;
        this.flush = new TurnFlush(channel, channel.eventLoop());
    }

    /** Binds the local socket on {@code group}; use the tunnel's group so that one thread does all the work. */
    public static UdpTunnelRelay bind(EventLoopGroup group, InetSocketAddress listen) throws InterruptedException {
        UdpTunnelRelay[] self = new UdpTunnelRelay[1];
        Channel channel = new Bootstrap().group(group).channel(Transport.of(group).datagramChannel())
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .option(ChannelOption.RCVBUF_ALLOCATOR, UdpPayloads.receiveAllocator())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        self[0].fromLocal(packet);
                    }
                })
                .bind(listen).sync().channel();
        self[0] = new UdpTunnelRelay(channel);
        return self[0];
    }

    /** The receiver to give {@link UdpTunnelClient#open}: sends each payload to the local peer. */
    public Consumer<ByteBuf> towardsPeer() {
        return this::toLocal;
    }

    /** Starts forwarding local datagrams into {@code tunnel}. */
    public void attach(UdpTunnel tunnel) {
        this.tunnel = tunnel;
    }

    /** The bound address, with the real port when port 0 was asked for. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Datagrams received from the local peer and sent into the tunnel. */
    public long fromPeer() {
        return fromPeer.sum();
    }

    /** Datagrams from the tunnel sent to the local peer. */
    public long toPeer() {
        return toPeer.sum();
    }

    /** Datagrams dropped here: no tunnel yet, or an answer before any local peer had written. */
    public long dropped() {
        return dropped.sum();
    }

    /** The counters in one line, for the end of a {@code ferry tunnel udp} run. */
    public String summary() {
        UdpTunnel t = tunnel;
        UdpTunnelClient.Stats s = t == null ? new UdpTunnelClient.Stats(0, 0, 0, 0, 0, 0) : t.stats();
        return "datagrams (up to " + (t == null ? 0 : t.maxDatagramPayload()) + " bytes) local->target " + fromPeer() + " (" + s.sentAsCapsules() + " as capsules), target->local "
                + toPeer() + " (" + s.receivedAsCapsules() + " as capsules), drops " + (dropped() + s.dropped())
                + " (" + s.tooLarge() + " too large for a datagram)";
    }

    private void fromLocal(DatagramPacket packet) {
        UdpTunnel t = tunnel;
        if (t == null) {
            dropped.increment();
            return;
        }
        peer = packet.sender();
        fromPeer.increment();
        t.send(UdpPayloads.compact(channel.alloc(), packet.content().retain()));
    }

    private void toLocal(ByteBuf payload) {
        InetSocketAddress to = peer;
        if (to == null || !channel.isActive()) {
            payload.release();
            dropped.increment();
            return;
        }
        toPeer.increment();
        if (channel.eventLoop().inEventLoop()) {
            channel.write(new DatagramPacket(payload, to), channel.voidPromise());
            flush.request();
        } else {
            channel.writeAndFlush(new DatagramPacket(payload, to), channel.voidPromise());
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
