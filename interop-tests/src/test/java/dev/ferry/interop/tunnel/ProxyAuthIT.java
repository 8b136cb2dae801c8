package dev.ferry.interop.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.TunnelsConfig;
import dev.ferry.http3.tls.CertificateAuthority;
import dev.ferry.http3.tls.SelfSignedCertificate;
import dev.ferry.bridge.builtin.TokenStore;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.WorkDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proxy authentication for tunnels, from an independent client (kwik/flupke), against a relay that requires it with
 * one bearer token (stored as its SHA-256) and a client CA:
 * <ul>
 *   <li>no {@code Proxy-Authorization}: 407 with a {@code Proxy-Authenticate: Bearer ...} challenge, and neither the
 *       UDP nor the TCP target saw anything;</li>
 *   <li>a wrong token: 407 with {@code error="invalid_token"}, nothing opened;</li>
 *   <li>the right token: 200, and the tunnels work (a UDP echo answers through CONNECT-UDP, CONNECT reaches the TCP
 *       listener);</li>
 *   <li>a client certificate issued by the configured CA, presented by kwik during the QUIC handshake
 *       ({@code clientCertificate}/{@code clientCertificateKey}): 200 without any token, and the tunnel works.</li>
 * </ul>
 */
class ProxyAuthIT {
    private static final String TOKEN = "tunnel-token-5f1c9a";

    @Test
    void tunnelsOpenOnlyWithTheRightTokenOrAClientCertificateFromTheConfiguredCa() throws Exception {
        Path work = WorkDirs.create("proxy-auth");
        CertificateAuthority ca = CertificateAuthority.generate("ferry test client CA");
        Path caFile = ca.writeCaPem(work.resolve("client-ca.pem"));
        SelfSignedCertificate clientCert = ca.issue(List.of("tunnel-client"), List.of());
        TunnelsConfig tunnels = TunnelRelays.tunnels(TunnelRelays.allowing("127.0.0.0/8"),
                new TunnelsConfig.AuthConfig(true, List.of(TokenStore.hash(TOKEN)), caFile), Map.of());
        try (UdpEchoServer echo = UdpEchoServer.echo("127.0.0.1");
             TcpSink tcp = TcpSink.start("127.0.0.1");
             FerryRelay relay = TunnelRelays.start(work.resolve("state"), tunnels)) {
            String authority = "127.0.0.1:" + relay.port();
            String udpPath = KwikTunnelClient.masquePath("127.0.0.1", echo.port());
            String tcpTarget = "127.0.0.1:" + tcp.port();
            byte[] hello = "authenticated".getBytes(StandardCharsets.US_ASCII);

            try (KwikTunnelClient client = KwikTunnelClient.connect(relay.address(), false)) {
                KwikTunnelClient.Tunnel missing = client.connectUdp(authority, udpPath, Map.of());
                assertChallenged(missing, false);
                assertChallenged(client.connectTcp(tcpTarget, Map.of()), false);

                Map<String, String> wrong = Map.of("proxy-authorization", "Bearer not-" + TOKEN);
                assertChallenged(client.connectUdp(authority, udpPath, wrong), true);
                assertChallenged(client.connectTcp(tcpTarget, wrong), true);
                Thread.sleep(300);
                assertEquals(0, echo.received(), "datagrams that reached the target without credentials");
                assertEquals(0, tcp.accepted(), "connections that reached the target without credentials");

                Map<String, String> right = Map.of("proxy-authorization", "Bearer " + TOKEN);
                KwikTunnelClient.Tunnel udp = client.connectUdp(authority, udpPath, right);
                assertEquals(200, udp.status(), udp.headers().map().toString());
                assertArrayEquals(hello, TunnelChecks.udpRoundTrip(udp, hello));
                udp.finish();
                KwikTunnelClient.Tunnel tcpTunnel = client.connectTcp(tcpTarget, right);
                assertEquals(200, tcpTunnel.status(), tcpTunnel.headers().map().toString());
                EgressPolicyIT.awaitAccepted(tcp, 1);
                tcpTunnel.finish();
            }

            try (KwikTunnelClient withCert = KwikTunnelClient.connect(relay.address(), false,
                    clientCert.certificate(), clientCert.privateKey())) {
                KwikTunnelClient.Tunnel udp = withCert.connectUdp(authority, udpPath, Map.of());
                assertEquals(200, udp.status(), "with a client certificate and no token: " + udp.headers().map());
                assertArrayEquals(hello, TunnelChecks.udpRoundTrip(udp, hello));
                udp.finish();
                KwikTunnelClient.Tunnel tcpTunnel = withCert.connectTcp(tcpTarget, Map.of());
                assertEquals(200, tcpTunnel.status(), tcpTunnel.headers().map().toString());
                EgressPolicyIT.awaitAccepted(tcp, 2);
                tcpTunnel.finish();
            }
            assertEquals(2, echo.received(), "one datagram per authenticated tunnel");
        }
    }

    private static void assertChallenged(KwikTunnelClient.Tunnel tunnel, boolean invalidToken) {
        assertEquals(407, tunnel.status(), tunnel.headers().map().toString());
        String challenge = tunnel.header("proxy-authenticate");
        assertNotNull(challenge, "407 without proxy-authenticate: " + tunnel.headers().map());
        assertTrue(challenge.startsWith("Bearer "), challenge);
        assertEquals(invalidToken, challenge.contains("error=\"invalid_token\""), challenge);
    }
}
