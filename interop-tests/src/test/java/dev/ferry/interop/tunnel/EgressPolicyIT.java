package dev.ferry.interop.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.TunnelsConfig;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.WorkDirs;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The relay's egress policy, seen from an independent client (kwik/flupke): with the default policy (no allow list)
 * CONNECT-UDP and CONNECT to every forbidden class of address are answered 403 with
 * {@code proxy-status: ...; error=destination_ip_prohibited}, and nothing is sent to the target.
 *
 * <p>"Nothing sent" is proved with real listeners where a listener can exist on this machine: UDP and TCP sockets on
 * 127.0.0.1 and ::1, reached as 127.0.0.1, 0.0.0.0 (Linux delivers it to loopback), ::1, ::ffff:127.0.0.1, and the
 * host name {@code forbidden.test}, which the relay's own {@code hosts} table resolves to 127.0.0.1; they must have
 * received no datagram and accepted no connection. The other classes (RFC 1918, link-local and the metadata address
 * 169.254.169.254, CGNAT, multicast, broadcast, documentation, ULA, IPv6 link-local, NAT64) cannot have a listener
 * here without leaving loopback, so for them the 403 and its Proxy-Status are what is checked.
 *
 * <p>A second relay that allows 127.0.0.0/8 and only the listeners' ports shows the other side: allowed targets
 * work (a UDP echo answers, a TCP connection is accepted), and a loopback port outside the port list is refused
 * with 403 while its listener receives nothing.
 */
class EgressPolicyIT {
    private static final List<String> UNREACHABLE_FORBIDDEN = List.of("10.0.0.1", "10.255.1.2", "172.16.0.1",
            "192.168.1.1", "169.254.169.254", "169.254.1.1", "100.64.0.1", "224.0.0.1", "239.255.255.250",
            "255.255.255.255", "192.0.2.1", "198.51.100.7", "203.0.113.9", "fc00::1", "fd12:3456::1", "fe80::1",
            "ff02::1", "2001:db8::1", "64:ff9b::7f00:1", "64:ff9b::a00:1", "::ffff:10.0.0.1", "::");

    @Test
    void refusesEveryForbiddenAddressClassWith403AndSendsNothingToTheTarget() throws Exception {
        Path work = WorkDirs.create("egress-policy-default");
        TunnelsConfig tunnels = TunnelRelays.tunnels(TunnelsConfig.EgressConfig.defaults(), TunnelRelays.open(),
                Map.of("forbidden.test", List.of(InetAddress.getByName("127.0.0.1"))));
        try (UdpEchoServer udp4 = UdpEchoServer.sink("127.0.0.1");
             UdpEchoServer udp6 = UdpEchoServer.sink("::1");
             TcpSink tcp4 = TcpSink.start("127.0.0.1");
             TcpSink tcp6 = TcpSink.start("::1");
             FerryRelay relay = TunnelRelays.start(work.resolve("state"), tunnels);
             KwikTunnelClient client = KwikTunnelClient.connect(relay.address(), false)) {
            String authority = "127.0.0.1:" + relay.port();
            for (String host : List.of("127.0.0.1", "0.0.0.0", "::ffff:127.0.0.1", "forbidden.test")) {
                assertRefused(client.connectUdp(authority, KwikTunnelClient.masquePath(host, udp4.port()), Map.of()),
                        "CONNECT-UDP " + host);
                assertRefused(client.connectTcp(hostPort(host, tcp4.port()), Map.of()), "CONNECT " + host);
            }
            assertRefused(client.connectUdp(authority, KwikTunnelClient.masquePath("::1", udp6.port()), Map.of()),
                    "CONNECT-UDP ::1");
            assertRefused(client.connectTcp(hostPort("::1", tcp6.port()), Map.of()), "CONNECT ::1");
            for (String host : UNREACHABLE_FORBIDDEN) {
                assertRefused(client.connectUdp(authority, KwikTunnelClient.masquePath(host, 443), Map.of()),
                        "CONNECT-UDP " + host);
                assertRefused(client.connectTcp(hostPort(host, 443), Map.of()), "CONNECT " + host);
            }
            // Give any stray packet or connection time to land before saying none did.
            Thread.sleep(300);
            assertEquals(0, udp4.received(), "datagrams that reached 127.0.0.1");
            assertEquals(0, udp6.received(), "datagrams that reached ::1");
            assertEquals(0, tcp4.accepted(), "connections that reached 127.0.0.1");
            assertEquals(0, tcp6.accepted(), "connections that reached ::1");
            assertEquals(0, relay.server().tunnelTotals().bytesToTarget(), relay.server().tunnelTotals().toString());
        }
    }

    @Test
    void allowsListedLoopbackTargetsAndRefusesPortsOutsideTheAllowList() throws Exception {
        Path work = WorkDirs.create("egress-policy-allow");
        try (UdpEchoServer echo = UdpEchoServer.echo("127.0.0.1");
             TcpSink tcp = TcpSink.start("127.0.0.1");
             UdpEchoServer otherUdp = UdpEchoServer.sink("127.0.0.1");
             TcpSink otherTcp = TcpSink.start("127.0.0.1")) {
            TunnelsConfig tunnels = TunnelRelays.tunnels(new TunnelsConfig.EgressConfig(List.of("127.0.0.0/8"),
                    List.of(), echo.port() + "," + tcp.port()), TunnelRelays.open(), Map.of());
            try (FerryRelay relay = TunnelRelays.start(work.resolve("state"), tunnels);
                 KwikTunnelClient client = KwikTunnelClient.connect(relay.address(), false)) {
                String authority = "127.0.0.1:" + relay.port();
                KwikTunnelClient.Tunnel udp = client.connectUdp(authority,
                        KwikTunnelClient.masquePath("127.0.0.1", echo.port()), Map.of());
                assertEquals(200, udp.status(), udp.headers().map().toString());
                byte[] hello = "allowed target".getBytes(StandardCharsets.US_ASCII);
                assertArrayEquals(hello, TunnelChecks.udpRoundTrip(udp, hello));
                assertEquals(1, echo.received());
                udp.finish();

                KwikTunnelClient.Tunnel tcpTunnel = client.connectTcp("127.0.0.1:" + tcp.port(), Map.of());
                assertEquals(200, tcpTunnel.status(), tcpTunnel.headers().map().toString());
                awaitAccepted(tcp, 1);
                tcpTunnel.finish();

                assertRefused(client.connectUdp(authority,
                        KwikTunnelClient.masquePath("127.0.0.1", otherUdp.port()), Map.of()), "CONNECT-UDP bad port");
                assertRefused(client.connectTcp("127.0.0.1:" + otherTcp.port(), Map.of()), "CONNECT bad port");
                Thread.sleep(300);
                assertEquals(0, otherUdp.received(), "datagrams that reached the unlisted port");
                assertEquals(0, otherTcp.accepted(), "connections that reached the unlisted port");
            }
        }
    }

    static void assertRefused(KwikTunnelClient.Tunnel tunnel, String what) {
        assertEquals(403, tunnel.status(), what + ": " + tunnel.headers().map());
        String proxyStatus = tunnel.header("proxy-status");
        assertTrue(proxyStatus != null && proxyStatus.contains("error=destination_ip_prohibited"),
                what + ": proxy-status " + proxyStatus);
    }

    static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    static void awaitAccepted(TcpSink sink, long n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sink.accepted() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, sink.accepted(), "connections accepted by the target");
    }
}
