package dev.ferry.bridge.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/**
 * Receiving UDP payloads of any size on a plain datagram socket (a CONNECT-UDP target, the local end of a
 * tunnel). Netty reads datagrams into 2,048-byte buffers by default and the kernel silently cuts a longer one to
 * fit, so a 4 KiB DNS answer or a jumbo QUIC packet would arrive truncated. These sockets read into buffers that
 * hold the largest UDP payload, and {@link #compact} copies what arrived into a buffer of its own size, so that a
 * small datagram waiting in a queue does not pin 64 KiB.
 */
public final class UdpPayloads {
    /** The largest UDP payload: 65,535 bytes less the 8 of the UDP header (IPv6 jumbograms aside). */
    public static final int MAX_PAYLOAD = 65_527;
    /** Payloads up to this size are copied out of the receive buffer. */
    private static final int COPY_BELOW = 16 * 1024;

    private UdpPayloads() {
    }

    /** A receive allocator for {@code ChannelOption.RCVBUF_ALLOCATOR} that never truncates a datagram. */
    public static RecvByteBufAllocator receiveAllocator() {
        return new FixedRecvByteBufAllocator(MAX_PAYLOAD);
    }

    /** {@code payload} in a buffer of its own size when it is small; takes ownership and returns the result. */
    public static ByteBuf compact(ByteBufAllocator alloc, ByteBuf payload) {
        int n = payload.readableBytes();
        if (n >= COPY_BELOW || payload.capacity() <= 2 * n) {
            return payload;
        }
        ByteBuf copy = alloc.buffer(n, n);
        copy.writeBytes(payload);
        payload.release();
        return copy;
    }
}
