package dev.ferry.tools.tunnel;

import dev.ferry.bridge.net.HostPort;
import dev.ferry.http3.QuicPacketSizes;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.tunnel.TunnelOptions;
import dev.ferry.http3.tunnel.UdpTunnel;
import dev.ferry.http3.tunnel.UdpTunnelClient;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The way to the last of several relays, each reached through the one before, as a two-hop privacy relay's
 * client needs: to reach hop N, a CONNECT-UDP tunnel through hop N-1 to hop N's UDP port is put behind a local
 * loopback socket ({@link UdpTunnelRelay}), and the client's QUIC connection to hop N goes through that socket,
 * end to end encrypted: hop N-1 carries it without being able to read it. What {@link #lastHop()} returns is
 * where to connect for the last relay; its server name is the last relay's own.
 */
public final class HopChain implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 30;
    /** How long the local socket of a tunnel must carry nothing before the tunnel may close (see {@link #close}). */
    private static final long QUIET_MILLIS = 30;
    private static final long QUIET_WAIT_MAX_MILLIS = 500;
    private final List<Level> levels;
    private final InetSocketAddress lastHop;
    private final int maxUdpPayload;

    /**
     * One relay passed: the connection to it (null when the tunnel owns its own, as over HTTP/2), and the tunnel
     * through it to the next, behind a local socket.
     */
    private record Level(Http3Client client, UdpTunnelRelay local, UdpTunnel tunnel) {
    }

    /**
     * Opens the tunnel through the first hop to the second by other means than HTTP/3: over HTTP/2 on TCP, where
     * UDP to the first hop is blocked.
     */
    @FunctionalInterface
    public interface FirstTunnel {
        /** A tunnel through {@code first} to {@code next}, delivering the next hop's payloads to {@code receiver}. */
        java.util.concurrent.CompletableFuture<? extends UdpTunnel> open(InetSocketAddress first, Hop hop, Hop next,
                                                                         java.util.function.Consumer<io.netty.buffer.ByteBuf> receiver);
    }

    private HopChain(List<Level> levels, InetSocketAddress lastHop, int maxUdpPayload) {
        this.levels = levels;
        this.lastHop = lastHop;
        this.maxUdpPayload = maxUdpPayload;
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
     * The relays of the {@code --via} URLs ({@code https://host[:port]}, port 443 by default), the i-th with the
     * i-th token if there is one, on top of {@code base}'s options: how {@code ferry tunnel} and {@code ferry get}
     * read their relays. The last relay alone gets {@code geohash} (null for none): it is the egress hop that picks
     * a source address by it, and no hop before it needs to know where the client is.
     *
     * @throws IllegalArgumentException naming the option when a URL is malformed or there are more tokens than URLs
     */
    public static List<Hop> relays(List<String> vias, List<String> tokens, TunnelOptions base, String geohash) {
        List<String> given = tokens == null ? List.of() : tokens;
        if (given.size() > vias.size()) {
            throw new IllegalArgumentException("more --token than --via: one token per relay, in their order");
        }
        List<Hop> hops = new ArrayList<>();
        for (int i = 0; i < vias.size(); i++) {
            java.net.URI relay = java.net.URI.create(vias.get(i));
            if (!"https".equals(relay.getScheme()) || relay.getHost() == null) {
                throw new IllegalArgumentException("--via must be https://host[:port], got " + vias.get(i));
            }
            String host = relay.getHost().startsWith("[")
                    ? relay.getHost().substring(1, relay.getHost().length() - 1) : relay.getHost();
            hops.add(new Hop(new HostPort(host, relay.getPort() < 0 ? 443 : relay.getPort()), relay.getHost(),
                    base.withToken(i < given.size() ? given.get(i) : null)
                            .withGeohash(i == vias.size() - 1 ? geohash : null)));
        }
        return hops;
    }

    /**
     * Opens the way through every hop but the last, so that the returned chain's {@link #lastHop()} reaches the
     * last one. With a single hop there is nothing to open and {@link #lastHop()} is its own address.
     *
     * @param clients makes a datagram-capable HTTP/3 client on the caller's group, one per hop, sending UDP
     *                payloads of at most the given size: each level's packets are sized to fit one datagram of
     *                the tunnel beneath it (see {@link #maxUdpPayload()})
     * @throws Exception when a hop does not answer or refuses the tunnel; what was opened is closed
     */
    public static HopChain open(EventLoopGroup group, List<Hop> hops, IntFunction<Http3Client> clients)
            throws Exception {
        return open(group, hops, clients, null);
    }

    /**
     * As {@link #open(EventLoopGroup, List, IntFunction)}, with the tunnel through the first hop opened by
     * {@code firstTunnel} (over HTTP/2, say) when it is not null; the hops after it are reached over HTTP/3 as usual.
     */
    public static HopChain open(EventLoopGroup group, List<Hop> hops, IntFunction<Http3Client> clients,
                                FirstTunnel firstTunnel) throws Exception {
        Hop first = hops.get(0);
        InetSocketAddress towards = new InetSocketAddress(InetAddress.getByName(first.address().host()),
                first.address().port());
        List<Level> levels = new ArrayList<>();
        int size = QuicPacketSizes.DEFAULT_MAX_UDP_PAYLOAD;
        Http3Client client = null;
        UdpTunnelRelay local = null;
        try {
            for (int i = 0; i + 1 < hops.size(); i++) {
                Hop hop = hops.get(i);
                Hop next = hops.get(i + 1);
                local = UdpTunnelRelay.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                UdpTunnel tunnel;
                if (i == 0 && firstTunnel != null) {
                    tunnel = firstTunnel.open(towards, hop, next, local.towardsPeer())
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } else {
                    client = clients.apply(size);
                    Http3Connection connection = client.connect(towards, hop.serverName(), hop.address().port())
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    tunnel = UdpTunnelClient.open(connection, next.address().host(), next.address().port(),
                            hop.options(), local.towardsPeer()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
                local.attach(tunnel);
                levels.add(new Level(client, local, tunnel));
                client = null;
                local = null;
                towards = levels.get(levels.size() - 1).local().localAddress();
                size = QuicPacketSizes.insideTunnel(tunnel.maxDatagramPayload(), size);
            }
        } catch (Exception | Error e) {
            closeQuietly(local);
            closeQuietly(client);
            new HopChain(levels, towards, size).close();
            throw e;
        }
        return new HopChain(List.copyOf(levels), towards, size);
    }

    /** Where to connect for the last hop: its own address, or the local end of the tunnel to it. */
    public InetSocketAddress lastHop() {
        return lastHop;
    }

    /**
     * The largest UDP payload for the connection to the last hop: what one datagram of the innermost tunnel holds
     * (never below QUIC's 1200), or the default without tunnels. Larger packets would still arrive, but as
     * capsules on the tunnel's stream, reliable and in order, which QUIC's own loss recovery does not want.
     */
    public int maxUdpPayload() {
        return maxUdpPayload;
    }

    /**
     * One line per tunnel of the chain, outermost first: payloads each way and how many of them went as capsules
     * rather than QUIC DATAGRAM frames, which tells whether the packet sizes nest (see {@link #maxUdpPayload()}).
     */
    public List<String> summaries() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            UdpTunnelClient.Stats s = levels.get(i).tunnel().stats();
            lines.add("tunnel " + (i + 1) + " of the chain (datagrams up to "
                    + levels.get(i).tunnel().maxDatagramPayload() + " bytes): sent " + s.sent() + " (" + s.sentAsCapsules()
                    + " as capsules), received " + s.received() + " (" + s.receivedAsCapsules() + " as capsules),"
                    + " dropped " + s.dropped() + " (" + s.tooLarge() + " too large for a datagram)");
        }
        return lines;
    }

    /**
     * Closes from the innermost level out; close the connection that uses {@link #lastHop()} first. Each
     * connection, as it closes, sends its CONNECTION_CLOSE into the local socket of the level beneath; that level's
     * tunnel closes only once the socket has been quiet for a moment, so the relay the connection went to hears of
     * the end now rather than at its idle timeout.
     */
    @Override
    public void close() throws Exception {
        for (int i = levels.size() - 1; i >= 0; i--) {
            Level level = levels.get(i);
            // The innermost socket carried the caller's own connection, closed before this chain.
            awaitQuiet(level.local());
            closeQuietly(level.tunnel());
            closeQuietly(level.local());
            closeQuietly(level.client());
        }
    }

    private static void awaitQuiet(UdpTunnelRelay local) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(QUIET_WAIT_MAX_MILLIS);
        long seen = local.fromPeer();
        while (System.nanoTime() < deadline) {
            Thread.sleep(QUIET_MILLIS);
            long now = local.fromPeer();
            if (now == seen) {
                return;
            }
            seen = now;
        }
    }

    private static void closeQuietly(AutoCloseable part) {
        if (part != null) {
            try {
                part.close();
            } catch (Exception ignored) {
                // Closing what is left; the first failure was already reported.
            }
        }
    }
}
