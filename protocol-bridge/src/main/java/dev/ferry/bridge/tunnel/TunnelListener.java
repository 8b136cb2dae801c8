package dev.ferry.bridge.tunnel;

import dev.ferry.bridge.error.ProxyException;
import io.netty.buffer.ByteBuf;

import java.net.InetSocketAddress;

/** What the target's side of a tunnel reports, always on the tunnel's event loop. */
public interface TunnelListener {

    /** Connected (TCP) or bound and connected (UDP) to {@code remote}, after resolution and policy. */
    void onTunnelOpen(InetSocketAddress remote);

    /** TCP: bytes from the target. UDP: one datagram's payload. Ownership passes to the listener. */
    void onTunnelData(ByteBuf data);

    /** TCP: the target half-closed (FIN). */
    void onTunnelEnd();

    /** {@link TunnelEndpoint#isWritable()} changed. */
    void onTunnelWritabilityChanged();

    /** Opening failed (DNS, policy, refused, timeout) or the socket broke; no further calls follow. */
    void onTunnelFailure(ProxyException failure);
}
