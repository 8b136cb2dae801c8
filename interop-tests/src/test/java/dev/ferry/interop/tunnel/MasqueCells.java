package dev.ferry.interop.tunnel;

import dev.ferry.app.config.TunnelsConfig;
import dev.ferry.bridge.builtin.TokenStore;
import dev.ferry.bridge.tunnel.TunnelCounters;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.runner.CellResult;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.GtlsServerOrigin;
import dev.ferry.interop.support.Hashes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link MasqueCase} for one {@link MasqueClient} against Ferry's relay and grades it by what a user would
 * check: payloads back byte for byte, files and streams hash-equal, statuses and fields of refusals, what reached the
 * targets, and the relay's own tunnel counters (datagrams against capsules). Everything runs on loopback: three
 * relays (open, token-protected, default egress policy), a UDP echo server, a UDP sink, a TCP echo server and
 * ngtcp2's gtlsserver.
 */
final class MasqueCells implements AutoCloseable {
    static final String TOKEN = "masque-matrix-token-7d2e";
    private static final int PAYLOADS = 300;
    private static final int MAX_PAYLOAD = 1_100;
    private static final int WINDOW = 32;

    private final long quicFileSize;
    private final long tcpBytes;
    private final UdpEchoServer echo;
    private final UdpEchoServer sink;
    private final TcpEchoServer tcpEcho;
    private final GtlsServerOrigin gtls;
    private final FerryRelay open;
    private final FerryRelay authenticating;
    private final FerryRelay defaultEgress;

    /** Starts the targets and relays; {@code scale} shrinks the 10 MiB file and 4 MiB stream as the QUIC cases do. */
    MasqueCells(Path work, double scale) throws Exception {
        this.quicFileSize = Math.max(256L << 10, (long) ((10L << 20) * scale));
        this.tcpBytes = Math.max(256L << 10, (long) ((4L << 20) * scale));
        List<AutoCloseable> started = new ArrayList<>();
        try {
            echo = track(started, UdpEchoServer.echo("127.0.0.1"));
            sink = track(started, UdpEchoServer.sink("127.0.0.1"));
            tcpEcho = track(started, TcpEchoServer.start());
            gtls = track(started, GtlsServerOrigin.start(Files.createDirectories(work.resolve("gtlsserver")),
                    "inner.bin", quicFileSize));
            TunnelsConfig.EgressConfig loopback = TunnelRelays.allowing("127.0.0.0/8");
            open = track(started, TunnelRelays.start(work.resolve("relay-open"),
                    TunnelRelays.tunnels(loopback, TunnelRelays.open(), Map.of())));
            authenticating = track(started, TunnelRelays.start(work.resolve("relay-auth"), TunnelRelays.tunnels(
                    loopback, new TunnelsConfig.AuthConfig(true, List.of(TokenStore.hash(TOKEN)), null), Map.of())));
            defaultEgress = track(started, TunnelRelays.start(work.resolve("relay-default-egress"),
                    TunnelRelays.tunnels(TunnelsConfig.EgressConfig.defaults(), TunnelRelays.open(), Map.of())));
        } catch (Exception | Error e) {
            closeAll(started);
            throw e;
        }
    }

    CellResult run(MasqueClient client, MasqueCase testCase, Path dir) {
        long start = System.nanoTime();
        try {
            Files.createDirectories(dir);
            Outcome outcome = switch (testCase) {
                case CONNECT_UDP -> connectUdp(client, dir);
                case DATAGRAMS -> datagrams(client, false, dir);
                case CAPSULES -> datagrams(client, true, dir);
                case QUIC_IN_QUIC -> quicInQuic(client, dir);
                case CONNECT_TCP -> connectTcp(client, dir);
                case EGRESS_REFUSAL -> egressRefusal(client, defaultEgress, dir);
                case PROXY_AUTH -> proxyAuth(client, dir);
            };
            // A transfer's cell shows the transfer's own time, as the QUIC matrix does; others the whole case's.
            long millis = outcome.goodputKbps > 0 ? outcome.transferMillis : (System.nanoTime() - start) / 1_000_000;
            return new CellResult("ferry", client.label(), testCase.label(), outcome.problems.isEmpty()
                    ? CellResult.Outcome.PASS : CellResult.Outcome.FAIL, String.join("; ", outcome.problems),
                    millis, outcome.goodputKbps);
        } catch (Exception | AssertionError e) {
            return CellResult.of("ferry", client.label(), testCase.label(), CellResult.Outcome.FAIL, e.toString());
        }
    }

    /** What a case found wrong (nothing: it passed), and its transfer rate where it moved a file. */
    private record Outcome(List<String> problems, long transferMillis, long goodputKbps) {
        static Outcome of(List<String> problems) {
            return new Outcome(problems, 0, 0);
        }

        /** A transfer of {@code bytes} in {@code nanos}; its rate counts only if it passed. */
        static Outcome transfer(List<String> problems, long bytes, long nanos) {
            return problems.isEmpty() && nanos > 0
                    ? new Outcome(problems, nanos / 1_000_000, bytes * 8L * 1_000_000L / nanos)
                    : of(problems);
        }
    }

    private Outcome connectUdp(MasqueClient client, Path dir) throws Exception {
        List<String> problems = new ArrayList<>();
        long echoed = echo.received();
        try (LocalTunnel tunnel = client.udp(open.address(), echo.address(), false, null, dir)) {
            if (!tunnel.isOpen()) {
                return Outcome.of(List.of("refused: " + tunnel.refusal()));
            }
            problems.addAll(tunnel.problems());
            UdpTraffic.Result one = new UdpTraffic(2, 16, 64).runThrough(tunnel.local(), 1, 3_000);
            if (one.intact() < 1) {
                problems.add("no payload came back: " + one);
            }
        }
        if (echo.received() <= echoed) {
            problems.add("the echo server saw nothing");
        }
        return Outcome.of(problems);
    }

    private Outcome datagrams(MasqueClient client, boolean capsules, Path dir) throws Exception {
        List<String> problems = new ArrayList<>();
        Totals before = Totals.of(open);
        UdpTraffic traffic = new UdpTraffic(PAYLOADS, 4, MAX_PAYLOAD);
        UdpTraffic.Result result;
        try (LocalTunnel tunnel = client.udp(open.address(), echo.address(), capsules, null, dir)) {
            if (!tunnel.isOpen()) {
                return Outcome.of(List.of("refused: " + tunnel.refusal()));
            }
            problems.addAll(tunnel.problems());
            result = traffic.runThrough(tunnel.local(), WINDOW, 1_000);
        }
        // A tunnel's counts join the relay's totals when it ends.
        Totals after = Totals.await(open, t -> t.datagramsToClient() > before.toClient);
        long toClient = after.toClient - before.toClient;
        long asCapsules = after.capsules - before.capsules;
        // The legs to the echo server are UDP on loopback, which may drop a few under load (KwikConnectUdpIT).
        if (result.intact() < PAYLOADS * 99 / 100 || result.corrupt() > 0) {
            problems.add("payloads back intact " + result.intact() + " of " + PAYLOADS + ", corrupt "
                    + result.corrupt());
        }
        if (toClient == 0) {
            problems.add("the relay counted no payload to the client");
        } else if (capsules && asCapsules != toClient) {
            problems.add(asCapsules + " of the relay's " + toClient + " answers were capsules; all should be");
        } else if (!capsules && asCapsules != 0) {
            problems.add(asCapsules + " of the relay's " + toClient + " answers were capsules; none should be");
        }
        System.out.printf("[masque] %s %s: %s; relay to client %d, as capsules %d%n", client.label(),
                capsules ? "capsules" : "datagrams", result, toClient, asCapsules);
        return Outcome.of(problems);
    }

    private Outcome quicInQuic(MasqueClient client, Path dir) throws Exception {
        List<String> problems = new ArrayList<>();
        Totals before = Totals.of(open);
        long start;
        long nanos;
        try (LocalTunnel tunnel = client.udp(open.address(), new InetSocketAddress("127.0.0.1", gtls.port()), false,
                null, dir)) {
            if (!tunnel.isOpen()) {
                return Outcome.of(List.of("refused: " + tunnel.refusal()));
            }
            String uri = "https://127.0.0.1:" + tunnel.local().getPort() + "/" + gtls.file().getFileName();
            start = System.nanoTime();
            GtlsClient.Result fetched = GtlsClient.connect("127.0.0.1", tunnel.local().getPort()).quiet()
                    .timeout(Duration.ofSeconds(120)).fetch(Files.createDirectories(dir.resolve("gtlsclient")), uri);
            nanos = System.nanoTime() - start;
            Path got = fetched.download(uri).orElse(null);
            if (got == null) {
                problems.add("gtlsclient downloaded nothing" + (fetched.timedOut() ? " (timed out)" : ""));
            } else if (!Hashes.sha256(got).equals(Hashes.sha256(gtls.file()))) {
                problems.add("the file arrived changed: " + Files.size(got) + " of " + quicFileSize + " bytes");
            }
        }
        Totals after = Totals.await(open, t -> t.datagramsToClient() > before.toClient);
        if (after.capsules != before.capsules) {
            problems.add((after.capsules - before.capsules) + " inner packets rode capsules; all should be "
                    + "QUIC datagrams");
        }
        return Outcome.transfer(problems, quicFileSize, nanos);
    }

    private Outcome connectTcp(MasqueClient client, Path dir) throws Exception {
        List<String> problems = new ArrayList<>();
        byte[] sent = new byte[(int) tcpBytes];
        new Random(7).nextBytes(sent);
        long nanos;
        try (LocalTunnel tunnel = client.tcp(open.address(), tcpEcho.address(), null, dir);
             Socket socket = new Socket()) {
            socket.connect(tunnel.local(), 5_000);
            socket.setSoTimeout(60_000);
            long start = System.nanoTime();
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> write(socket, sent));
            byte[] back = socket.getInputStream().readAllBytes();
            writing.get(10, TimeUnit.SECONDS);
            nanos = System.nanoTime() - start;
            if (!Hashes.sha256(back).equals(Hashes.sha256(sent))) {
                problems.add("the echo came back changed: " + back.length + " of " + sent.length + " bytes");
            }
        }
        return Outcome.transfer(problems, 2 * tcpBytes, nanos);
    }

    /**
     * The egress-refusal case against the relay that allows loopback, which must fail it: proof that the case's
     * checks fail a relay that lets a tunnel through to a forbidden target.
     */
    CellResult egressRefusalAgainstAPermissiveRelay(MasqueClient client, Path dir) throws Exception {
        Outcome outcome = egressRefusal(client, open, Files.createDirectories(dir));
        return CellResult.of("ferry (allows loopback)", client.label(), MasqueCase.EGRESS_REFUSAL.label(),
                outcome.problems.isEmpty() ? CellResult.Outcome.PASS : CellResult.Outcome.FAIL,
                String.join("; ", outcome.problems));
    }

    private Outcome egressRefusal(MasqueClient client, FerryRelay relay, Path dir) throws Exception {
        List<String> problems = new ArrayList<>();
        long sunk = sink.received();
        try (LocalTunnel tunnel = client.udp(relay.address(), sink.address(), false, null, dir)) {
            if (tunnel.isOpen()) {
                new UdpTraffic(2, 16, 64).runThrough(tunnel.local(), 1, 300);
                problems.add("the relay opened a tunnel to loopback");
            } else {
                if (tunnel.refusedStatus() != 403) {
                    problems.add("refused with " + tunnel.refusedStatus() + ", not 403: " + tunnel.refusal());
                }
                if (!tunnel.refusal().contains("destination_ip_prohibited")) {
                    problems.add("no Proxy-Status error=destination_ip_prohibited: " + tunnel.refusal());
                }
            }
        }
        Thread.sleep(300);
        if (sink.received() != sunk) {
            problems.add((sink.received() - sunk) + " datagrams reached the forbidden target");
        }
        return Outcome.of(problems);
    }

    private Outcome proxyAuth(MasqueClient client, Path dir) throws Exception {
        List<String> problems = new ArrayList<>();
        long echoed = echo.received();
        try (LocalTunnel refused = client.udp(authenticating.address(), echo.address(), false, null,
                dir.resolve("no-token"))) {
            if (refused.isOpen()) {
                problems.add("a tunnel opened without a token");
            } else if (refused.refusedStatus() != 407) {
                problems.add("without a token: " + refused.refusedStatus() + ", not 407: " + refused.refusal());
            }
        }
        if (echo.received() != echoed) {
            problems.add("the target got datagrams from a tunnel without a token");
        }
        try (LocalTunnel tunnel = client.udp(authenticating.address(), echo.address(), false, TOKEN,
                dir.resolve("token"))) {
            if (!tunnel.isOpen()) {
                problems.add("with the token: refused " + tunnel.refusal());
            } else if (new UdpTraffic(2, 16, 64).runThrough(tunnel.local(), 1, 3_000).intact() < 1) {
                problems.add("with the token: no payload came back");
            }
        }
        return Outcome.of(problems);
    }

    private static void write(Socket socket, byte[] bytes) {
        try {
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < bytes.length; i += 16_384) {
                out.write(bytes, i, Math.min(16_384, bytes.length - i));
            }
            out.flush();
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The relay's tunnel totals that the checks compare before and after a case. */
    private record Totals(long toClient, long capsules) {
        static Totals of(FerryRelay relay) {
            TunnelCounters t = relay.server().tunnelTotals();
            return new Totals(t.datagramsToClient(), t.capsulesToClient());
        }

        static Totals await(FerryRelay relay, java.util.function.Predicate<TunnelCounters> done)
                throws InterruptedException {
            TunnelCounters t = relay.awaitTunnelTotals(done);
            return new Totals(t.datagramsToClient(), t.capsulesToClient());
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> started, T resource) {
        started.add(resource);
        return resource;
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.err.println("MasqueCells: closing " + resources.get(i) + ": " + e);
            }
        }
    }

    @Override
    public void close() {
        closeAll(List.of(echo, sink, tcpEcho, gtls, open, authenticating, defaultEgress));
    }
}
