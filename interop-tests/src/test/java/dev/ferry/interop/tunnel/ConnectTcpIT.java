package dev.ferry.interop.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.ByteSearch;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.NginxOrigin;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.WorkDirs;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Classic CONNECT (RFC 9114 4.4) through Ferry, between two programs nobody here wrote: a kwik/flupke client opens a
 * TCP tunnel to nginx (plain HTTP/1.1 on loopback), writes a raw HTTP/1.1 GET for a 10 MiB file into it, and reads
 * the raw response back out: status 200, the content-length nginx sent, and a body whose SHA-256 equals the file's.
 * The relay's tunnel totals must show the whole response travelling to the client, which also proves the tunnel
 * ended cleanly: nginx closes first (its FIN reaches the client), then the client's FIN must still reach the relay
 * and complete the tunnel (totals are summed only when a tunnel completes).
 */
class ConnectTcpIT {
    private static final long TEN_MIB = 10L << 20;

    private static String grep(String text, String needle) {
        return String.join("\n", text.lines().filter(l -> l.contains(needle)).toList());
    }

    @Test
    void tenMibFileFromNginxThroughAConnectTunnelArrivesIntact() throws Exception {
        Path work = WorkDirs.create("connect-tcp-nginx");
        Path www = work.resolve("www");
        Path file = RandomFiles.create(www.resolve("ten-mib.bin"), TEN_MIB, 11);
        try (NginxOrigin nginx = NginxOrigin.start(work.resolve("nginx"), www, false, null);
             FerryRelay relay = TunnelRelays.start(work.resolve("state"),
                     TunnelRelays.tunnels(TunnelRelays.allowing("127.0.0.0/8"), TunnelRelays.open(), Map.of()));
             KwikTunnelClient client = KwikTunnelClient.connect(relay.address(), false)) {
            long start = System.nanoTime();
            KwikTunnelClient.Tunnel tunnel = client.connectTcp("127.0.0.1:" + nginx.port(), Map.of());
            assertEquals(200, tunnel.status(), tunnel.headers().map().toString());
            // Open now, by kind, in the relay's metrics.
            assertTrue(relay.server().metrics().scrape().contains("ferry_tunnels_open{kind=\"connect\"} 1.0"),
                    grep(relay.server().metrics().scrape(), "ferry_tunnels_open"));
            OutputStream out = tunnel.stream().getOutputStream();
            out.write(("GET /ten-mib.bin HTTP/1.1\r\nHost: 127.0.0.1:" + nginx.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = tunnel.stream().getInputStream();
            ByteArrayOutputStream raw = new ByteArrayOutputStream((int) TEN_MIB + 4096);
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer, 0, buffer.length)) > 0; ) {
                raw.write(buffer, 0, n);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            tunnel.finish();
            byte[] response = raw.toByteArray();
            int headEnd = ByteSearch.indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(headEnd > 0, "no HTTP/1.1 head in " + response.length + " bytes");
            String head = new String(response, 0, headEnd, StandardCharsets.ISO_8859_1);
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            assertTrue(head.toLowerCase(Locale.ROOT).contains("content-length: " + TEN_MIB), head);
            byte[] body = Arrays.copyOfRange(response, headEnd + 4, response.length);
            assertEquals(TEN_MIB, body.length);
            assertEquals(Hashes.sha256(file), Hashes.sha256(body));
            assertEquals(1, nginx.requestCount());
            var totals = TunnelRelays.awaitTotals(relay, t -> t.bytesToClient() >= response.length);
            assertEquals(response.length, totals.bytesToClient(), totals.toString());
            // Ended: no longer open, and its bytes counted under its kind.
            String scrape = relay.server().metrics().scrape();
            assertTrue(scrape.contains("ferry_tunnels_open{kind=\"connect\"} 0.0"), grep(scrape, "ferry_tunnel"));
            assertTrue(scrape.contains("ferry_tunnel_bytes_total{direction=\"to_client\",kind=\"connect\"} "
                    + (double) response.length), grep(scrape, "ferry_tunnel"));
            // The same request straight to nginx over TCP, for the ratio (same run, same file).
            long directStart = System.nanoTime();
            byte[] direct;
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", nginx.port())) {
                socket.getOutputStream().write(("GET /ten-mib.bin HTTP/1.1\r\nHost: 127.0.0.1:" + nginx.port()
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                direct = socket.getInputStream().readAllBytes();
            }
            double directSeconds = (System.nanoTime() - directStart) / 1e9;
            assertEquals(response.length, direct.length);
            System.out.printf(Locale.ROOT, "ConnectTcpIT: 10 MiB through CONNECT (kwik client) in %.3f s = %.1f MB/s;"
                    + " direct TCP to nginx %.3f s = %.1f MB/s%n", seconds, TEN_MIB / 1e6 / seconds, directSeconds,
                    TEN_MIB / 1e6 / directSeconds);
        }
    }
}
