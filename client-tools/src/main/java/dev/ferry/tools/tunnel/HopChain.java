package dev.ferry.tools.tunnel;

import dev.ferry.bridge.net.HostPort;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.tunnel.TunnelOptions;
import dev.ferry.http3.tunnel.UdpTunnelClient;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The way to the last of several relays, each reached through the one before, as a two-hop privacy relay's
 * client needs: to reach hop N, a CONNECT-UDP tunnel through hop N-1 to hop N's UDP port is put behind a local
 * loopback socket ({@link UdpTunnelRelay}), and the client's QUIC connection to hop N goes through that socket,
 * end to end encrypted: hop N-1 carries it without being able to read it. What {@link #lastHop()} returns is
 * where to connect for the last relay; its server name is the last relay's own.
 */
public final class HopChain implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 30;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final InetSocketAddress lastHop;

    private HopChain(InetSocketAddress lastHop) {
        this.lastHop = lastHop;
    }

    /**
     * One relay of the chain.
     *
     * @param address    where its UDP listener is, as the previous hop should dial it
     * @param serverName the name its certificate is checked against
     * @param options    the token (and template) for the tunnel opened through this relay
     */
    public record Hop(HostPort address, String serverName, TunnelOptions options) {
    }

    /**
     * Opens the way through every hop but the last, so that the returned chain's {@link #lastHop()} reaches the
     * last one. With a single hop there is nothing to open and {@link #lastHop()} is its own address.
     *
     * @param clients makes a datagram-capable HTTP/3 client on the caller's group, one per hop
     * @throws Exception when a hop does not answer or refuses the tunnel; what was opened is closed
     */
    public static HopChain open(EventLoopGroup group, List<Hop> hops, Supplier<Http3Client> clients)
            throws Exception {
        Hop first = hops.get(0);
        InetSocketAddress towards = new InetSocketAddress(InetAddress.getByName(first.address().host()),
                first.address().port());
        if (hops.size() == 1) {
            return new HopChain(towards);
        }
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            for (int i = 0; i + 1 < hops.size(); i++) {
                Hop hop = hops.get(i);
                Hop next = hops.get(i + 1);
                Http3Client client = clients.get();
                opened.push(client);
                Http3Connection connection = client.connect(towards, hop.serverName())
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                UdpTunnelRelay local = UdpTunnelRelay.bind(group, new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), 0));
                opened.push(local);
                UdpTunnelClient tunnel = UdpTunnelClient.open(connection, next.address().host(),
                        next.address().port(), hop.options(), local.towardsPeer())
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                opened.push(tunnel);
                local.attach(tunnel);
                towards = local.localAddress();
            }
        } catch (Exception | Error e) {
            closeAll(opened);
            throw e;
        }
        HopChain chain = new HopChain(towards);
        chain.opened.addAll(opened);
        return chain;
    }

    /** Where to connect for the last hop: its own address, or the local end of the tunnel to it. */
    public InetSocketAddress lastHop() {
        return lastHop;
    }

    @Override
    public void close() throws Exception {
        closeAll(opened);
    }

    private static void closeAll(Deque<AutoCloseable> parts) throws Exception {
        Exception first = null;
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
