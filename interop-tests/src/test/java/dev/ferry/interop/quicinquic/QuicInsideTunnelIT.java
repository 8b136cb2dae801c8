package dev.ferry.interop.quicinquic;

import dev.ferry.app.config.TunnelsConfig;
import dev.ferry.bridge.tunnel.TunnelCounters;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.GtlsServerOrigin;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.WorkDirs;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * QUIC inside QUIC: ngtcp2's {@code gtlsclient} talks HTTP/3 to ngtcp2's {@code gtlsserver} through
 * {@code ferry tunnel udp} (a separate process) and a Ferry relay serving CONNECT-UDP. Neither end knows the other
 * is tunnelled; a 10 MiB file must arrive with its hash intact.
 *
 * <p>Over HTTP/3 every inner packet must ride a QUIC DATAGRAM frame: gtlsserver's path MTU probes, larger than one
 * outer datagram holds, must be dropped by the relay (counted as too large), never carried as capsules, which would
 * let the probes succeed and move the whole transfer onto the stream (RFC 9298 section 5, RFC 9297 section 3.5).
 * Over HTTP/2 every payload is a capsule, since there is nothing else.
 */
class QuicInsideTunnelIT {

    @Test
    void gtlsclientFetchesTenMebibytesFromGtlsserverThroughFerryTunnelUdp() throws Exception {
        fetchThroughTunnel("quic-in-quic", List.of());
    }

    /**
     * The same over TCP, for networks that block UDP: {@code ferry tunnel udp --http2} reaches the relay's TCP
     * listener with extended CONNECT over HTTP/2, and every inner QUIC packet travels as a capsule.
     */
    @Test
    void theSameThroughCapsulesOverHttp2() throws Exception {
        fetchThroughTunnel("quic-in-h2", List.of("--http2"));
    }

    /**
     * Two hops with the first over TCP, a privacy relay's client on a network that blocks UDP: HTTP/2 CONNECT-UDP
     * to an ingress whose only next hop is the egress, HTTP/3 to the egress inside that tunnel, CONNECT-UDP from the
     * egress to gtlsserver, and gtlsclient's QUIC inside both: 10 MiB hash-equal.
     */
    @Test
    void twoHopsWithTheFirstOverHttp2() throws Exception {
        Path work = WorkDirs.create("two-hops-h2");
        GtlsServerOrigin gtls = GtlsServerOrigin.start(work, "ten-mib.bin", 10L << 20);
        Path file = gtls.file();
        int serverPort = gtls.port();
        Process tunnel = null;
        try (FerryRelay egress = FerryRelay.builder(work.resolve("egress"))
                     .origin(FerryRelay.h1("unused", new InetSocketAddress("127.0.0.1", 9)))
                     .tunnels(openUdpRelayToLoopback()).start();
             FerryRelay ingress = FerryRelay.builder(work.resolve("ingress"))
                     .origin(FerryRelay.h1("unused", new InetSocketAddress("127.0.0.1", 9)))
                     .tunnels(openUdpRelayToLoopback())
                     .privacy(new dev.ferry.app.config.PrivacyConfig(dev.ferry.app.config.PrivacyConfig.INGRESS,
                             List.of(dev.ferry.bridge.net.HostPort.parse("127.0.0.1:" + egress.port(), false)),
                             List.of()))
                     .start()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            tunnel = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.ferry.app.FerryMain",
                    "tunnel", "udp", "--http2", "--via", "https://127.0.0.1:" + ingress.port(),
                    "--via", "https://127.0.0.1:" + egress.port(), "--target", "127.0.0.1:" + serverPort,
                    "--listen", "127.0.0.1:0", "-k").redirectErrorStream(true).start();
            int tunnelPort = awaitBoundPort(tunnel);
            String uri = "https://127.0.0.1:" + tunnelPort + "/ten-mib.bin";
            GtlsClient.Result result = GtlsClient.connect("127.0.0.1", tunnelPort).quiet()
                    .timeout(Duration.ofSeconds(90)).fetch(Files.createDirectories(work.resolve("client")), uri);
            Path downloaded = result.download(uri).orElseThrow(() -> new AssertionError(
                    "gtlsclient downloaded nothing through the two hops:\n" + result.stderr()));
            assertEquals(Hashes.sha256(file), Hashes.sha256(downloaded), "bytes through both hops");
        } finally {
            stop(tunnel);
            gtls.close();
        }
    }

    private void fetchThroughTunnel(String name, List<String> tunnelOptions) throws Exception {
        Path work = WorkDirs.create(name);
        GtlsServerOrigin gtls = GtlsServerOrigin.start(work, "ten-mib.bin", 10L << 20);
        Path file = gtls.file();
        int serverPort = gtls.port();
        Process tunnel = null;
        try (BuiltinOrigin origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build()
                .start();
             FerryRelay relay = FerryRelay.builder(work.resolve("state"))
                     .origin(FerryRelay.h1("builtin", origin.address()))
                     .tunnels(openUdpRelayToLoopback()).start()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    "dev.ferry.app.FerryMain", "tunnel", "udp", "--via", "https://127.0.0.1:" + relay.port(),
                    "--target", "127.0.0.1:" + serverPort, "--listen", "127.0.0.1:0", "-k"));
            command.addAll(tunnelOptions);
            tunnel = new ProcessBuilder(command).redirectErrorStream(true).start();
            int tunnelPort = awaitBoundPort(tunnel);

            String uri = "https://127.0.0.1:" + tunnelPort + "/ten-mib.bin";
            long start = System.nanoTime();
            GtlsClient.Result result = GtlsClient.connect("127.0.0.1", tunnelPort).timeout(Duration.ofSeconds(90))
                    .fetch(Files.createDirectories(work.resolve("client")), uri);
            double seconds = (System.nanoTime() - start) / 1e9;

            Path downloaded = result.download(uri).orElseThrow(() -> new AssertionError(
                    "gtlsclient downloaded nothing through the tunnel:\n" + result.stderr()));
            assertEquals(Files.size(file), Files.size(downloaded), "size through the tunnel");
            assertEquals(Hashes.sha256(file), Hashes.sha256(downloaded), "bytes through the tunnel");
            // The same transfer without the tunnel, in the same run, so the figure can be read as a ratio.
            String directUri = "https://127.0.0.1:" + serverPort + "/ten-mib.bin";
            long directStart = System.nanoTime();
            GtlsClient.Result direct = GtlsClient.connect("127.0.0.1", serverPort).timeout(Duration.ofSeconds(90))
                    .fetch(Files.createDirectories(work.resolve("direct")), directUri);
            double directSeconds = (System.nanoTime() - directStart) / 1e9;
            assertEquals(Hashes.sha256(file), Hashes.sha256(direct.download(directUri).orElseThrow()), "direct bytes");
            System.out.printf("[" + name + "] 10 MiB HTTP/3: inside CONNECT-UDP %.2f s (%.1f MB/s), direct %.2f s "
                    + "(%.1f MB/s), tunnel/direct throughput %.2f%n", seconds, (10L << 20) / seconds / 1e6,
                    directSeconds, (10L << 20) / directSeconds / 1e6, directSeconds / seconds);

            // The tunnel's counts join the relay's totals when it ends.
            stop(tunnel);
            TunnelCounters totals = relay.awaitTunnelTotals(t -> t.datagramsToClient() > 0);
            System.out.println("[" + name + "] relay tunnel totals: " + totals);
            assertTrue(totals.datagramsToClient() >= (10L << 20) / 1500, "payloads to the client: " + totals);
            if (tunnelOptions.contains("--http2")) {
                assertTrue(totals.capsulesToClient() > 0, "over HTTP/2 payloads are capsules: " + totals);
            } else {
                assertEquals(0, totals.capsulesToClient(), "no payload may leave as a capsule: " + totals);
                assertTrue(totals.drops(TunnelCounters.Drop.TOO_LARGE) > 0,
                        "gtlsserver's path MTU probes should have been dropped as too large: " + totals);
            }
        } finally {
            stop(tunnel);
            gtls.close();
        }
    }

    /** CONNECT-UDP on, no credentials needed, loopback allowed: only this test's processes are reachable. */
    private static TunnelsConfig openUdpRelayToLoopback() {
        return new TunnelsConfig(false, true, true, TunnelsConfig.DEFAULT_URI_TEMPLATE, Duration.ofMinutes(2),
                Duration.ofSeconds(10), new TunnelsConfig.EgressConfig(List.of("127.0.0.0/8"), List.of(), "*"),
                new TunnelsConfig.AuthConfig(false, List.of(), null), Map.of());
    }

    /** Reads {@code ferry tunnel: udp 127.0.0.1:PORT -> ...} from the tunnel's output. */
    private static int awaitBoundPort(Process tunnel) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(tunnel.getInputStream(), StandardCharsets.UTF_8));
        Pattern bound = Pattern.compile("ferry tunnel: udp [0-9.]+:(\\d+) ->");
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = bound.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "tunnel-output");
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("ferry tunnel udp did not start:\n" + seen);
    }

    private static void stop(Process process) throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }
}
