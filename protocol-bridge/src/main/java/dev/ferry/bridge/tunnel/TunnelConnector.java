package dev.ferry.bridge.tunnel;

import io.netty.channel.EventLoop;

/**
 * Opens the far side of tunnels: resolves the target, applies the egress policy to the resolved address, and
 * connects a TCP or UDP socket on the given event loop (the client stream's loop). Implemented by the origin
 * client.
 */
public interface TunnelConnector {

    /**
     * Starts opening {@code target}; the outcome reaches {@code listener} on {@code eventLoop}. The returned
     * endpoint accepts writes only after {@link TunnelListener#onTunnelOpen}.
     */
    TunnelEndpoint open(EventLoop eventLoop, TunnelTarget target, TunnelListener listener);
}
