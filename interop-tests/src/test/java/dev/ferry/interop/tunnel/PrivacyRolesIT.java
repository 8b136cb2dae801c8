package dev.ferry.interop.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.PrivacyConfig;
import dev.ferry.bridge.net.HostPort;
import dev.ferry.bridge.tunnel.Cidr;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.Http2RawClient;
import dev.ferry.interop.support.WorkDirs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The two privacy roles in a relay, driven by kwik. An ingress carries CONNECT-UDP to its configured next hop and
 * refuses, with 403 and Proxy-Status and without sending a datagram, a CONNECT-UDP tunnel to any other target, a
 * CONNECT (TCP) tunnel and a plain request. An egress refuses a client from outside its source networks before
 * any tunnel is opened. The ingress keeps the same policy when reached over TCP (HTTP/2 extended CONNECT).
 */
class PrivacyRolesIT {

    @Test
    void anIngressCarriesTunnelsToItsNextHopOnly() throws Exception {
        try (UdpEchoServer nextHop = UdpEchoServer.echo("127.0.0.1");
             UdpEchoServer elsewhere = UdpEchoServer.sink("127.0.0.1");
             FerryRelay relay = ingress("privacy-ingress", nextHop);
             KwikTunnelClient client = KwikTunnelClient.connect(relay.address(), true)) {
            String authority = "127.0.0.1:" + relay.port();
            KwikTunnelClient.Tunnel toHop = client.connectUdp(authority,
                    KwikTunnelClient.masquePath("127.0.0.1", nextHop.port()), Map.of());
            assertEquals(200, toHop.status(), toHop.headers().map().toString());
            toHop.finish();

            KwikTunnelClient.Tunnel other = client.connectUdp(authority,
                    KwikTunnelClient.masquePath("127.0.0.1", elsewhere.port()), Map.of());
            assertEquals(403, other.status(), other.headers().map().toString());
            assertTrue(other.header("proxy-status").contains("error=http_request_denied"),
                    other.headers().map().toString());
            other.finish();

            KwikTunnelClient.Tunnel tcp = client.connectTcp("127.0.0.1:" + nextHop.port(), Map.of());
            assertEquals(403, tcp.status(), "an ingress carries no CONNECT (TCP)");
            tcp.finish();
            assertEquals(0, elsewhere.received(), "nothing may be sent to a target that is not a next hop");
        }
    }

    /**
     * The same ingress reached over TCP (HTTP/2 extended CONNECT, capsules), the fallback where UDP is blocked:
     * the next hop is carried and answers, anything else gets the same 403.
     */
    @Test
    void anIngressReachedOverTcpKeepsTheSamePolicy() throws Exception {
        try (UdpEchoServer nextHop = UdpEchoServer.echo("127.0.0.1");
             UdpEchoServer elsewhere = UdpEchoServer.sink("127.0.0.1");
             FerryRelay relay = ingress("privacy-ingress-h2", nextHop);
             Http2RawClient client = Http2RawClient.connect(new java.net.InetSocketAddress("127.0.0.1",
                     relay.port()))) {
            String authority = "127.0.0.1:" + relay.port();
            Http2RawClient.Tunnel toHop = client.open(Http2RawClient.connectUdp(authority, "127.0.0.1",
                    nextHop.port()));
            assertEquals("200", String.valueOf(toHop.head().status()), toHop.head().toString());
            byte[] hello = "hello, next hop".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] value = UdpTraffic.contextPayload(0, hello);
            java.io.ByteArrayOutputStream capsule = new java.io.ByteArrayOutputStream();
            UdpTraffic.writeVarint(capsule, 0);
            UdpTraffic.writeVarint(capsule, value.length);
            capsule.writeBytes(value);
            toHop.send(capsule.toByteArray(), false);
            byte[] answer = toHop.data.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(answer != null && new String(answer, java.nio.charset.StandardCharsets.US_ASCII)
                    .endsWith("hello, next hop"), "the next hop's echo, as a capsule");

            Http2RawClient.Tunnel other = client.open(Http2RawClient.connectUdp(authority, "127.0.0.1",
                    elsewhere.port()));
            assertEquals("403", String.valueOf(other.head().status()), other.head().toString());
            assertTrue(String.valueOf(other.head().get("proxy-status")).contains("error=http_request_denied"));
            Http2RawClient.Tunnel tcp = client.open(Http2RawClient.connect("127.0.0.1", nextHop.port()));
            assertEquals("403", String.valueOf(tcp.head().status()), "an ingress carries no CONNECT (TCP)");
            assertEquals(0, elsewhere.received(), "nothing may be sent to a target that is not a next hop");
        }
    }

    @Test
    void anEgressRefusesAClientFromOutsideItsSourceNetworks() throws Exception {
        try (UdpEchoServer target = UdpEchoServer.sink("127.0.0.1");
             FerryRelay relay = FerryRelay.builder(WorkDirs.create("privacy-egress").resolve("state"))
                     .origin(FerryRelay.h1("builtin", TunnelRelays.UNUSED_ORIGIN))
                     .tunnels(TunnelRelays.tunnels(TunnelRelays.allowing("127.0.0.0/8"), TunnelRelays.open(),
                             Map.of()))
                     .privacy(new PrivacyConfig(PrivacyConfig.EGRESS, List.of(),
                             List.of(Cidr.parse("10.99.0.0/16"))))
                     .start();
             KwikTunnelClient client = KwikTunnelClient.connect(relay.address(), true)) {
            KwikTunnelClient.Tunnel tunnel = client.connectUdp("127.0.0.1:" + relay.port(),
                    KwikTunnelClient.masquePath("127.0.0.1", target.port()), Map.of());
            assertEquals(403, tunnel.status(), tunnel.headers().map().toString());
            assertTrue(!tunnel.header("proxy-status").contains("127.0.0.1"), "the refusal names no address");
            tunnel.finish();
            assertEquals(0, target.received());
        }
    }

    /** An ingress whose only next hop is {@code nextHop}. */
    private static FerryRelay ingress(String name, UdpEchoServer nextHop) throws Exception {
        return FerryRelay.builder(WorkDirs.create(name).resolve("state"))
                .origin(FerryRelay.h1("builtin", TunnelRelays.UNUSED_ORIGIN))
                .tunnels(TunnelRelays.tunnels(TunnelRelays.allowing("127.0.0.0/8"), TunnelRelays.open(), Map.of()))
                .privacy(new PrivacyConfig(PrivacyConfig.INGRESS,
                        List.of(HostPort.parse("127.0.0.1:" + nextHop.port(), false)), List.of()))
                .start();
    }
}
