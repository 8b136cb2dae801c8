package dev.ferry.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionStats;

import java.util.concurrent.atomic.LongAdder;

/**
 * QUIC transport figures of one listener, summed over its connections as each closes: packets and bytes sent,
 * received, lost and retransmitted (quiche's own counts), and handshakes that never completed, by whether they
 * timed out. Read at any time from any thread; figures of a connection still open arrive when it closes.
 */
public final class QuicTransportTotals {
    private final LongAdder packetsSent = new LongAdder();
    private final LongAdder packetsReceived = new LongAdder();
    private final LongAdder packetsLost = new LongAdder();
    private final LongAdder packetsRetransmitted = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesLost = new LongAdder();
    private final LongAdder handshakeTimeouts = new LongAdder();
    private final LongAdder handshakeErrors = new LongAdder();

    /**
     * Follows {@code connection} from its first packet: called where the listener initialises it, before its
     * handshake completes. A server connection turns active when the handshake completes.
     */
    void follow(QuicChannel connection) {
        boolean[] established = {false};
        connection.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                established[0] = true;
                ctx.fireChannelActive();
            }
        });
        connection.closeFuture().addListener(closed -> {
            if (!established[0]) {
                (connection.isTimedOut() ? handshakeTimeouts : handshakeErrors).increment();
            }
            // After the close, Netty answers with the figures it took at the close.
            connection.collectStats().addListener(f -> {
                if (f.isSuccess() && f.getNow() != null) {
                    add((QuicConnectionStats) f.getNow());
                }
            });
        });
    }

    private void add(QuicConnectionStats s) {
        packetsSent.add(s.sent());
        packetsReceived.add(s.recv());
        packetsLost.add(s.lost());
        packetsRetransmitted.add(s.retrans());
        bytesSent.add(s.sentBytes());
        bytesReceived.add(s.recvBytes());
        bytesLost.add(s.lostBytes());
    }

    public long packetsSent() {
        return packetsSent.sum();
    }

    public long packetsReceived() {
        return packetsReceived.sum();
    }

    public long packetsLost() {
        return packetsLost.sum();
    }

    public long packetsRetransmitted() {
        return packetsRetransmitted.sum();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long bytesLost() {
        return bytesLost.sum();
    }

    /** Connections closed by their idle timeout before the handshake completed. */
    public long handshakeTimeouts() {
        return handshakeTimeouts.sum();
    }

    /** Connections closed for any other reason before the handshake completed (TLS alert, protocol error). */
    public long handshakeErrors() {
        return handshakeErrors.sum();
    }
}
