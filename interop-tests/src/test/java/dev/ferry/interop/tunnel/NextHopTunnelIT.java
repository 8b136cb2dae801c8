package dev.ferry.interop.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.support.FerryServeProcess;
import dev.ferry.interop.support.FreePorts;
import dev.ferry.interop.support.WorkDirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The next-hop example plugin in {@code ferry serve}, loaded from plugin-path by the configuration alone, driven by
 * kwik: CONNECT to a logical target ({@code egress.relay.test:443}, a name no resolver knows) reaches one of two next
 * hops, the same one for every tunnel of this client, while a tunnel to any other target is left as the client named
 * it (and fails to resolve). The egress policy judges the chosen hop: loopback is allowed here, as a hop's own
 * network would be in production.
 */
class NextHopTunnelIT {
    private static final String LOGICAL = "egress.relay.test:443";

    @Test
    void tunnelsForTheLogicalTargetReachTheSameNextHopAndOthersAreLeftAlone() throws Exception {
        try (Hop a = new Hop("hop-a"); Hop b = new Hop("hop-b");
             FerryServeProcess relay = serve(a.authority(), b.authority());
             KwikTunnelClient client = KwikTunnelClient.connect(new InetSocketAddress("127.0.0.1", relay.port()),
                     false)) {
            String first = greeting(client);
            assertTrue(first.equals("hop-a") || first.equals("hop-b"), first);
            for (int i = 0; i < 3; i++) {
                assertEquals(first, greeting(client), "the same client keeps its next hop");
            }
            assertEquals(4, a.accepted() + b.accepted());

            KwikTunnelClient.Tunnel other = client.connectTcp("other.relay.test:443", Map.of());
            assertTrue(other.status() == 502 || other.status() == 504,
                    "an unmatched target is resolved as named: " + other.status() + " " + other.headers().map());
            other.finish();
            assertEquals(4, a.accepted() + b.accepted(), "no hop may see the unmatched tunnel");
        }
    }

    private static FerryServeProcess serve(String hopA, String hopB) throws Exception {
        Path work = WorkDirs.create("next-hop");
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.copy(Path.of(System.getProperty("ferry.examples.jar")), plugins.resolve("ferry-examples.jar"));
        int port = FreePorts.udp();
        Path config = work.resolve("relay.yaml");
        Files.writeString(config, """
                state-dir: %s
                listeners: [{name: main, address: 127.0.0.1:%d}]
                access-log: {enabled: false}
                tunnels:
                  connect: true
                  egress: {allow: [127.0.0.0/8]}
                  auth: {required: false}
                plugin-path: %s
                hooks:
                  - name: next-hop
                    config: {for-target: "%s", next-hops: [%s, %s]}
                """.formatted(work.resolve("state"), port, plugins, LOGICAL, hopA, hopB));
        String classPath = FerryServeProcess.classPathWithout(e -> e.contains("ferry-examples")
                || e.contains("docs/examples") || e.endsWith("test-classes"));
        return FerryServeProcess.serve(work.resolve("relay"), classPath, Map.of(), port, "--config",
                config.toString());
    }

    private static String greeting(KwikTunnelClient client) throws IOException {
        KwikTunnelClient.Tunnel tunnel = client.connectTcp(LOGICAL, Map.of());
        assertEquals(200, tunnel.status(), tunnel.headers().map().toString());
        OutputStream out = tunnel.stream().getOutputStream();
        out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = tunnel.stream().getInputStream();
        String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        tunnel.finish();
        return answer;
    }

    /** A next hop: answers each connection's first line with its name, then closes. */
    private static final class Hop implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger accepted = new AtomicInteger();

        Hop(String name) throws IOException {
            server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            Thread thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        accepted.incrementAndGet();
                        InputStream in = socket.getInputStream();
                        while (in.read() != '\n') {
                            // the request line
                        }
                        socket.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // closed, or a client that left: the next accept decides
                    }
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        String authority() {
            return "127.0.0.1:" + ((InetSocketAddress) server.getLocalSocketAddress()).getPort();
        }

        int accepted() {
            return accepted.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
