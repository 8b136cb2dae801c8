package dev.ferry.interop.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ferry.app.config.PrivacyConfig;
import dev.ferry.bridge.tunnel.Cidr;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.privacy.EgressPool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An egress hop's geo-mapped source addresses, seen from the far side: kwik opens CONNECT tunnels to a TCP server
 * that answers with the address each connection came from. A {@code Sec-CH-Geohash} hint inside the pool's prefix
 * arrives from that pool's address (127.0.0.2; every 127/8 address is this host's on loopback), no hint from the
 * default pool's (127.0.0.3), and a malformed hint from the default pool too, with
 * {@code Proxy-Status: ...; details="invalid geohash"} on the answer.
 */
class GeoEgressIT {

    @Test
    void theHintPicksTheSourceAddressTheTargetSees() throws Exception {
        List<EgressPool> pools = List.of(
                new EgressPool("u", List.of(Cidr.parseAddress("127.0.0.2")), "DE", "", ""),
                new EgressPool(null, List.of(Cidr.parseAddress("127.0.0.3")), "US", "", ""));
        try (PeerAddressServer target = new PeerAddressServer();
             FerryRelay relay = FerryRelay.builder(WorkDirs.create("geo-egress").resolve("state"))
                     .origin(FerryRelay.h1("builtin", TunnelRelays.UNUSED_ORIGIN))
                     .tunnels(TunnelRelays.tunnels(TunnelRelays.allowing("127.0.0.0/8"), TunnelRelays.open(),
                             Map.of()))
                     .privacy(new PrivacyConfig(PrivacyConfig.EGRESS, List.of(), List.of(), pools))
                     .start();
             KwikTunnelClient client = KwikTunnelClient.connect(relay.address(), false)) {
            assertEquals("127.0.0.2", seenFrom(client, target, Map.of("sec-ch-geohash", "\"u33dc0\""), null));
            assertEquals("127.0.0.3", seenFrom(client, target, Map.of(), null));
            assertEquals("127.0.0.3", seenFrom(client, target, Map.of("sec-ch-geohash", "\"u33a!\""),
                    "ferry; details=\"invalid geohash\""));
        }
    }

    /** What the target saw as the tunnel's source; checks the answer's Proxy-Status ({@code null}: none). */
    private static String seenFrom(KwikTunnelClient client, PeerAddressServer target, Map<String, String> headers,
                                   String proxyStatus) throws IOException {
        KwikTunnelClient.Tunnel tunnel = client.connectTcp(target.authority(), headers);
        assertEquals(200, tunnel.status(), tunnel.headers().map().toString());
        assertEquals(proxyStatus, tunnel.header("proxy-status"));
        OutputStream out = tunnel.stream().getOutputStream();
        out.write('\n');
        out.flush();
        InputStream in = tunnel.stream().getInputStream();
        String seen = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        tunnel.finish();
        return seen;
    }

    /** Answers each connection's first line with the address the connection came from, then closes. */
    private static final class PeerAddressServer implements AutoCloseable {
        private final ServerSocket server;

        PeerAddressServer() throws IOException {
            server = new ServerSocket(0, 16, InetAddress.getByName("127.0.0.1"));
            Thread thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        InputStream in = socket.getInputStream();
                        while (in.read() != '\n') {
                            // the request line
                        }
                        socket.getOutputStream().write((socket.getInetAddress().getHostAddress() + "\n")
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // closed, or a client that left
                    }
                }
            }, "peer-address-server");
            thread.setDaemon(true);
            thread.start();
        }

        String authority() {
            return "127.0.0.1:" + ((InetSocketAddress) server.getLocalSocketAddress()).getPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
