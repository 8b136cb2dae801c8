package dev.ferry.app.cli;

import dev.ferry.bridge.transport.Transport;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.bridge.net.HostPort;
import dev.ferry.tools.tunnel.HopChain;
import dev.ferry.http3.tunnel.SharedConnection;
import dev.ferry.tools.tunnel.TcpTunnelRelay;
import dev.ferry.http3.tunnel.TunnelOptions;
import dev.ferry.http3.tunnel.UdpTunnelClient;
import dev.ferry.tools.tunnel.UdpTunnelRelay;
import dev.ferry.bridge.tunnel.ConnectUdpTemplate;
import io.netty.channel.EventLoopGroup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ferry tunnel udp|tcp}: a local port that forwards through the relay's CONNECT-UDP or CONNECT, so that any
 * UDP or TCP program, a QUIC client included, can use Ferry without knowing HTTP/3. Runs until interrupted (Ctrl-C)
 * and then prints its counters.
 */
@Command(name = "tunnel", mixinStandardHelpOptions = true,
        description = "Expose a local UDP or TCP port that forwards through the relay",
        subcommands = {TunnelCommand.Udp.class, TunnelCommand.Tcp.class})
public final class TunnelCommand implements Runnable {
    /** Exit codes as {@code ferry get} (and curl) use them: bad usage, and no connection to the relay. */
    static final int EXIT_USAGE = 2, EXIT_CONNECT = 7;

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    /** Options and the run loop both kinds share. */
    abstract static class Common implements Callable<Integer> {
        @Option(names = "--via", required = true, paramLabel = "URL",
                description = "The relay: https://host[:port]. Twice or more for relays in a row (a two-hop privacy"
                        + " relay): each later one is reached through a CONNECT-UDP tunnel through the one before")
        List<String> vias;

        @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "Where the tunnel goes")
        String target;

        @Option(names = "--listen", required = true, paramLabel = "ADDR:PORT", description = "Local address to bind")
        String listen;

        @Option(names = {"-k", "--insecure"}, description = "Do not verify the relay's certificate")
        boolean insecure;

        @Option(names = "--cacert", paramLabel = "FILE", description = "Trust the PEM certificates in FILE")
        Path caCert;

        @Option(names = "--token", paramLabel = "TOKEN",
                description = "Bearer token for Proxy-Authorization; with several --via, one per relay in their order")
        List<String> tokens;

        @Option(names = "--token-file", paramLabel = "FILE", description = "Read the bearer token from FILE")
        Path tokenFile;

        @Option(names = "--geohash", paramLabel = "GEOHASH",
                description = "Your coarse location (1-12 geohash characters) for the last --via relay alone, sent"
                        + " as Sec-CH-Geohash so that an egress hop picks a source address in your region")
        String geohash;

        final PrintStream err;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private final CompletableFuture<Void> stop = new CompletableFuture<>();

        Common(PrintStream err) {
            this.err = err;
        }

        /** Ends a running command as Ctrl-C would; for tests and embedding. */
        public void stop() {
            stop.complete(null);
        }

        abstract String kind();

        /** Sets up the tunnel and local socket, prints the banner; returns what ends the run besides a stop. */
        /**
         * @param maxUdpPayload the largest UDP payload for the connection to the relay: what one datagram of the
         *                      tunnel beneath holds when the relay is reached through another
         */
        abstract CompletableFuture<Void> start(EventLoopGroup group, URI relay, InetSocketAddress relayAddress,
                                               int maxUdpPayload, HostPort target, InetSocketAddress listen,
                                               TunnelOptions options)
                throws Exception;

        /** The counters in one line, or null if nothing was started. */
        abstract String summary();

        @Override
        public Integer call() throws Exception {
            URI relay;
            HostPort to;
            InetSocketAddress local;
            List<HopChain.Hop> hops;
            try {
                hops = HopChain.relays(vias, tokens(), options(), geohash);
                relay = URI.create(vias.get(vias.size() - 1));
                to = option("--target", target, false);
                HostPort l = option("--listen", listen, true);
                local = new InetSocketAddress(InetAddress.getByName(l.host()), l.port());
            } catch (IllegalArgumentException | IOException e) {
                err.println("ferry tunnel: " + e.getMessage());
                return EXIT_USAGE;
            }
            Thread hook = new Thread(this::stopAndWait, "ferry-tunnel-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            EventLoopGroup group = Transport.selected().newGroup(1);
            HopChain chain = null;
            try {
                chain = HopChain.open(group, hops, size -> client(group, true, size), firstTunnel(group, hops));
                CompletableFuture<Void> ended = start(group, relay, chain.lastHop(), chain.maxUdpPayload(), to, local,
                        hops.get(hops.size() - 1).options());
                try {
                    CompletableFuture.anyOf(stop, ended).get();
                } catch (ExecutionException e) {
                    err.println("ferry tunnel: " + e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return stop.isDone() ? 0 : 1;
            } catch (ExecutionException | TimeoutException e) {
                err.println("ferry tunnel: " + (e.getCause() != null ? e.getCause().getMessage()
                        : "no answer from " + String.join(" via ", vias) + " within 30s"));
                return EXIT_CONNECT;
            } finally {
                closeAll();
                if (chain != null) {
                    chain.close();
                    chain.summaries().forEach(line -> err.println("ferry tunnel: " + line));
                }
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
                String summary = summary();
                if (summary != null) {
                    err.println("ferry tunnel: " + summary);
                }
                stopped.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // The JVM is already shutting down: the hook is what is running.
                }
            }
        }

        /** The port of a relay URL, 443 when it names none. */
        static int port(URI relay) {
            return relay.getPort() < 0 ? 443 : relay.getPort();
        }

        private static HostPort option(String name, String value, boolean allowPortZero) {
            try {
                return HostPort.parse(value, allowPortZero);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " must be HOST:PORT: " + e.getMessage(), e);
            }
        }

        /** Ctrl-C: end the run and give it a moment to close the tunnel and print its counters. */
        private void stopAndWait() {
            stop();
            try {
                stopped.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Closes what {@link #start} opened; safe to call with parts missing. */
        abstract void closeAll() throws Exception;

        /** Closes each of {@code parts} that exists, in order: tunnel before socket before connection. */
        static void close(AutoCloseable... parts) throws Exception {
            for (AutoCloseable part : parts) {
                if (part != null) {
                    part.close();
                }
            }
        }

        Http3Client client(EventLoopGroup group, boolean datagrams, int maxUdpPayload) {
            return Http3Client.builder().group(group).insecure(insecure).caFile(caCert).datagrams(datagrams)
                    .maxUdpPayload(maxUdpPayload).build();
        }

        /**
         * How the tunnel through the first of several relays is opened when not over HTTP/3 (null: over HTTP/3).
         */
        HopChain.FirstTunnel firstTunnel(EventLoopGroup group, List<HopChain.Hop> hops) {
            return null;
        }

        /** The tunnel options every relay's tunnel shares; each relay's token is added to them. */
        TunnelOptions options() {
            return TunnelOptions.defaults();
        }

        /** The tokens, one per {@code --via} in order: {@code --token}s, or the one of {@code --token-file}. */
        private List<String> tokens() throws IOException {
            if (tokenFile == null) {
                return tokens;
            }
            if (tokens != null && !tokens.isEmpty() || vias.size() > 1) {
                throw new IllegalArgumentException("--token-file is for a single --via without --token");
            }
            return List.of(Files.readString(tokenFile, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim());
        }

        void banner(InetSocketAddress bound, HostPort to) {
            err.println("ferry tunnel: " + kind() + " " + bound.getAddress().getHostAddress() + ":" + bound.getPort()
                    + " -> " + to + " via " + String.join(" via ", vias));
            err.flush();
        }
    }

    /** {@code ferry tunnel udp}: one CONNECT-UDP tunnel behind a local UDP socket. */
    @Command(name = "udp", mixinStandardHelpOptions = true,
            description = "Forward datagrams from a local UDP port through CONNECT-UDP (RFC 9298)")
    public static final class Udp extends Common {
        @Option(names = "--capsules", description = "Send payloads as capsules on the stream, never as QUIC datagrams")
        boolean capsules;

        @Option(names = "--template", paramLabel = "TEMPLATE",
                description = "The relay's URI template (default " + ConnectUdpTemplate.DEFAULT_TEMPLATE + ")")
        String template;

        @Option(names = "--http2", description = "Reach the (first) relay over HTTP/2 on TCP, for networks that "
                + "block UDP; its tunnel then carries every payload as a capsule, and later relays are reached "
                + "over HTTP/3 inside it")
        boolean http2;

        private Http3Client client;
        private UdpTunnelRelay relay;
        private dev.ferry.http3.tunnel.UdpTunnel tunnel;

        public Udp() {
            super(System.err);
        }

        public Udp(PrintStream err) {
            super(err);
        }

        @Override
        String kind() {
            return "udp";
        }

        @Override
        TunnelOptions options() {
            TunnelOptions o = super.options().withForceCapsules(capsules);
            return template == null ? o : o.withTemplate(ConnectUdpTemplate.parse(template));
        }

        @Override
        CompletableFuture<Void> start(EventLoopGroup group, URI via, InetSocketAddress relayAddress,
                                      int maxUdpPayload, HostPort to, InetSocketAddress listen,
                                      TunnelOptions options) throws Exception {
            relay = UdpTunnelRelay.bind(group, listen);
            if (http2 && vias.size() == 1) {
                tunnel = dev.ferry.tools.tunnel.Http2UdpTunnelClient.open(group, relayAddress, via.getHost(),
                        via.getHost() + ":" + port(via), insecure, caCert, to.host(), to.port(), options,
                        relay.towardsPeer()).get(30, TimeUnit.SECONDS);
            } else {
                client = client(group, true, maxUdpPayload);
                Http3Connection connection = client.connect(relayAddress, via.getHost(), port(via))
                        .get(30, TimeUnit.SECONDS);
                tunnel = UdpTunnelClient.open(connection, to.host(), to.port(), options, relay.towardsPeer())
                        .get(30, TimeUnit.SECONDS);
            }
            relay.attach(tunnel);
            banner(relay.localAddress(), to);
            return tunnel.closed().thenRun(() -> err.println("ferry tunnel: the relay closed the tunnel"));
        }

        /** With --http2 and several relays, the first is reached over HTTP/2, the others over HTTP/3 through it. */
        @Override
        HopChain.FirstTunnel firstTunnel(EventLoopGroup group, List<HopChain.Hop> hops) {
            if (!http2 || hops.size() < 2) {
                return null;
            }
            return (first, hop, next, receiver) -> dev.ferry.tools.tunnel.Http2UdpTunnelClient.open(group, first,
                    hop.serverName(), hop.serverName() + ":" + hop.address().port(), insecure, caCert,
                    next.address().host(), next.address().port(), hop.options(), receiver);
        }

        @Override
        void closeAll() throws Exception {
            close(tunnel, relay, client);
        }

        @Override
        String summary() {
            return relay == null ? null : relay.summary();
        }
    }

    /** {@code ferry tunnel tcp}: a local TCP listener, one CONNECT stream per accepted connection. */
    @Command(name = "tcp", mixinStandardHelpOptions = true,
            description = "Forward connections to a local TCP port through CONNECT, one stream each")
    public static final class Tcp extends Common {
        private Http3Client client;
        private TcpTunnelRelay relay;

        public Tcp() {
            super(System.err);
        }

        public Tcp(PrintStream err) {
            super(err);
        }

        @Override
        String kind() {
            return "tcp";
        }

        @Override
        CompletableFuture<Void> start(EventLoopGroup group, URI via, InetSocketAddress relayAddress,
                                      int maxUdpPayload, HostPort to, InetSocketAddress listen,
                                      TunnelOptions options) throws Exception {
            client = client(group, false, maxUdpPayload);
            SharedConnection connections = new SharedConnection(client, relayAddress, via.getHost(), port(via));
            connections.get().get(30, TimeUnit.SECONDS);
            relay = TcpTunnelRelay.bind(group, listen, connections, to.host(), to.port(), options,
                    e -> err.println("ferry tunnel: " + e.getMessage()));
            banner(relay.localAddress(), to);
            return new CompletableFuture<>();
        }

        @Override
        void closeAll() throws Exception {
            close(relay, client);
        }

        @Override
        String summary() {
            return relay == null ? null : relay.summary();
        }
    }
}
