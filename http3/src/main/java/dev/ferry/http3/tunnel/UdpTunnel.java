package dev.ferry.http3.tunnel;

import io.netty.buffer.ByteBuf;

import java.util.concurrent.CompletableFuture;

/**
 * One CONNECT-UDP tunnel to one target, whatever carries it: HTTP/3 with QUIC datagrams and capsules
 * ({@link UdpTunnelClient}), or HTTP/2 with capsules only. What a local UDP socket in front of a tunnel needs.
 */
public interface UdpTunnel extends AutoCloseable {

    /** Sends one UDP payload to the target; takes ownership; never blocks (a payload that cannot go is dropped). */
    void send(ByteBuf payload);

    /** The largest payload one unreliable datagram holds, 0 when every payload travels as a capsule. */
    int maxDatagramPayload();

    /** A snapshot of the tunnel's counters. */
    UdpTunnelClient.Stats stats();

    /** Completes when the tunnel ended. */
    CompletableFuture<Void> closed();

    /** Ends the tunnel after anything queued. */
    @Override
    void close();
}
