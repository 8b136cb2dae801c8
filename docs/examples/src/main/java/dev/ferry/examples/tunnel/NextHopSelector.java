package dev.ferry.examples.tunnel;

import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.net.HostPort;
import dev.ferry.bridge.tunnel.TunnelTarget;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Hands tunnels on to one of several next hops, as the first hop of a two-hop relay does: the client names a
 * logical target, this hook picks the hop by rendezvous hashing of the client's address with each hop, so that one
 * client keeps its hop (its QUIC connections inside the tunnel survive a reconnect) and a hop that leaves the list
 * moves only its own clients. The egress policy then judges the chosen hop like any target.
 */
final class NextHopSelector implements ProxyHook {
    private final HostPort forTarget;
    private final List<HostPort> nextHops;

    /** @param forTarget null for every tunnel */
    NextHopSelector(HostPort forTarget, List<HostPort> nextHops) {
        this.forTarget = forTarget;
        this.nextHops = List.copyOf(nextHops);
    }

    @Override
    public TunnelTarget selectTunnelTarget(ExchangeContext ctx, TunnelTarget target) {
        if (forTarget != null && !(forTarget.host().equalsIgnoreCase(target.host())
                && forTarget.port() == target.port())) {
            return target;
        }
        HostPort hop = choose(clientKey(ctx.clientAddress()));
        return new TunnelTarget(target.kind(), hop.host(), hop.port());
    }

    /** The hop with the highest weight for this client: weight = the first 8 bytes of SHA-256(client, hop). */
    HostPort choose(byte[] client) {
        HostPort best = null;
        long bestWeight = 0;
        for (HostPort hop : nextHops) {
            long weight = weight(client, hop.toString());
            if (best == null || Long.compareUnsigned(weight, bestWeight) > 0) {
                best = hop;
                bestWeight = weight;
            }
        }
        return best;
    }

    private static byte[] clientKey(InetSocketAddress client) {
        // The address only: a client's port changes with every connection, its address does not.
        return client == null || client.getAddress() == null ? new byte[0] : client.getAddress().getAddress();
    }

    private static long weight(byte[] client, String hop) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(client);
            sha.update((byte) 0);
            sha.update(hop.getBytes(StandardCharsets.US_ASCII));
            return ByteBuffer.wrap(sha.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
