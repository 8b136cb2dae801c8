package dev.ferry.http3;

import dev.ferry.bridge.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;

/**
 * The UDP sockets under Ferry's QUIC connections, relay and client alike, set up for bulk: large socket buffers
 * and, on epoll, many datagrams per system call both ways ({@code recvmmsg} to read, GSO to send: one
 * {@code sendmsg} carries up to {@link #GSO_SEGMENTS} packets of one connection that quiche produced together).
 * On NIO each packet costs its own system call.
 */
public final class QuicSockets {
    /** Socket buffers sized for a burst of a bulk transfer; the kernel caps them at net.core.[rw]mem_max. */
    public static final int SOCKET_BUFFER = 4 << 20;
    /** Packets one GSO send may carry. */
    public static final int GSO_SEGMENTS = 16;
    /** Datagrams one {@code recvmmsg} may read. */
    public static final int RECEIVE_BATCH = 16;
    /**
     * Room for each received datagram: more than any packet a peer sends on an Ethernet-sized path, PMTU probes
     * included. A larger datagram would arrive cut short and fail to decrypt, as it would on such a path.
     */
    public static final int RECEIVE_SLOT = 2048;

    private QuicSockets() {
    }

    /**
     * A bootstrap for a UDP socket on {@code group}, of the group's transport; {@code largestPacket} is the largest
     * UDP payload this side accepts, which widens each receive slot when it is above {@link #RECEIVE_SLOT}.
     */
    public static Bootstrap bootstrap(EventLoopGroup group, int largestPacket) {
        Transport transport = Transport.of(group);
        Bootstrap b = new Bootstrap().group(group).channel(transport.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER);
        if (transport == Transport.EPOLL) {
            int slot = Math.max(RECEIVE_SLOT, largestPacket);
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(slot * RECEIVE_BATCH));
        }
        return b;
    }

    /**
     * The handler to give a QUIC socket's bootstrap: {@code quic} (a QUIC codec, or Netty's dispatcher, which adds
     * the codec behind itself) behind a {@link DatagramFlushBatcher}, so that packets of one turn leave together.
     */
    public static ChannelHandler pipeline(ChannelHandler quic) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new DatagramFlushBatcher(), quic);
            }
        };
    }

    /** The GSO packet allocator for QUIC connections on {@code group}, or {@code NONE} where GSO is not offered. */
    public static SegmentedDatagramPacketAllocator segmentedPackets(EventLoopGroup group) {
        if (Transport.of(group) != Transport.EPOLL) {
            return SegmentedDatagramPacketAllocator.NONE;
        }
        return EpollQuicUtils.newSegmentedAllocator(GSO_SEGMENTS);
    }
}
