package dev.ferry.interop.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.config.TunnelsConfig;
import dev.ferry.bridge.builtin.TokenStore;
import dev.ferry.http3.tls.CertificateAuthority;
import dev.ferry.http3.tls.SelfSignedCertificate;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.Http2RawClient;
import dev.ferry.interop.support.WorkDirs;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proxy authentication for tunnels reached over HTTP/2 on the TCP listener, the same rules as over HTTP/3
 * ({@link ProxyAuthIT}): a CONNECT-UDP or CONNECT without a token, or with a wrong one, gets 407 with a Bearer
 * challenge and its target sees nothing; the right token opens both; a client certificate issued by the configured
 * CA, presented in the TLS handshake of the TCP connection, opens them without a token.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Http2ProxyAuthIT {
  private static final String TOKEN = "h2-tunnel-token-77ab";

  @Test
  void tunnelsOverHttp2OpenOnlyWithTheRightTokenOrAClientCertificateFromTheConfiguredCa() throws Exception {
    Path work = WorkDirs.create("h2-proxy-auth");
    CertificateAuthority ca = CertificateAuthority.generate("ferry h2 client CA");
    Path caFile = ca.writeCaPem(work.resolve("client-ca.pem"));
    SelfSignedCertificate clientCert = ca.issue(List.of("h2-tunnel-client"), List.of());
    TunnelsConfig tunnels = TunnelRelays.tunnels(TunnelRelays.allowing("127.0.0.0/8"),
        new TunnelsConfig.AuthConfig(true, List.of(TokenStore.hash(TOKEN)), caFile), Map.of());
    try (UdpEchoServer echo = UdpEchoServer.echo("127.0.0.1");
         TcpSink tcp = TcpSink.start("127.0.0.1");
         FerryRelay relay = TunnelRelays.start(work.resolve("state"), tunnels)) {
      InetSocketAddress relayAddress = new InetSocketAddress("127.0.0.1", relay.port());
      String authority = "127.0.0.1:" + relay.port();
      byte[] hello = "authenticated over h2".getBytes(StandardCharsets.US_ASCII);

      try (Http2RawClient client = Http2RawClient.connect(relayAddress)) {
        assertChallenged(client.open(Http2RawClient.connectUdp(authority, "127.0.0.1", echo.port())).head(), false);
        assertChallenged(client.open(Http2RawClient.connect("127.0.0.1", tcp.port())).head(), false);
        String wrong = "Bearer not-" + TOKEN;
        assertChallenged(client.open(withAuthorization(
            Http2RawClient.connectUdp(authority, "127.0.0.1", echo.port()), wrong)).head(), true);
        assertChallenged(client.open(withAuthorization(
            Http2RawClient.connect("127.0.0.1", tcp.port()), wrong)).head(), true);
        // Give any stray datagram or connection time to land before saying none did.
        Thread.sleep(300);
        assertEquals(0, echo.received(), "datagrams that reached the UDP target without authentication");
        assertEquals(0, tcp.accepted(), "connections that reached the TCP target without authentication");

        String right = "Bearer " + TOKEN;
        Http2RawClient.Tunnel udp = client.open(withAuthorization(
            Http2RawClient.connectUdp(authority, "127.0.0.1", echo.port()), right));
        assertEquals("200", udp.head().status().toString(), udp.head().toString());
        assertArrayEquals(hello, roundTrip(udp, hello));
        Http2RawClient.Tunnel connect = client.open(withAuthorization(
            Http2RawClient.connect("127.0.0.1", tcp.port()), right));
        assertEquals("200", connect.head().status().toString(), connect.head().toString());
        EgressPolicyIT.awaitAccepted(tcp, 1);
      }

      try (Http2RawClient withCertificate = Http2RawClient.connect(relayAddress, clientCert.privateKey(),
          clientCert.certificate())) {
        Http2RawClient.Tunnel udp = withCertificate.open(
            Http2RawClient.connectUdp(authority, "127.0.0.1", echo.port()));
        assertEquals("200", udp.head().status().toString(), "a client certificate from the CA, no token: "
            + udp.head());
        assertArrayEquals(hello, roundTrip(udp, hello));
      }
    }
  }

  private static Http2Headers withAuthorization(Http2Headers head, String value) {
    return head.set("proxy-authorization", value);
  }

  private static void assertChallenged(Http2Headers head, boolean invalidToken) {
    assertEquals("407", head.status().toString(), head.toString());
    CharSequence challenge = head.get("proxy-authenticate");
    assertNotNull(challenge, "407 without proxy-authenticate: " + head);
    assertTrue(challenge.toString().startsWith("Bearer "), challenge.toString());
    assertEquals(invalidToken, challenge.toString().contains("error=\"invalid_token\""), challenge.toString());
  }

  /** Sends {@code payload} as one DATAGRAM capsule and returns the payload of the first DATAGRAM capsule back. */
  private static byte[] roundTrip(Http2RawClient.Tunnel tunnel, byte[] payload) throws InterruptedException {
    byte[] value = UdpTraffic.contextPayload(0, payload);
    ByteArrayOutputStream capsule = new ByteArrayOutputStream();
    UdpTraffic.writeVarint(capsule, 0);
    UdpTraffic.writeVarint(capsule, value.length);
    capsule.writeBytes(value);
    tunnel.send(capsule.toByteArray(), false);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    while (true) {
      byte[] piece = tunnel.data.poll(10, TimeUnit.SECONDS);
      assertNotNull(piece, "no answer through the tunnel within 10 s");
      assertTrue(piece.length > 0, "the tunnel ended without an answer");
      received.writeBytes(piece);
      ByteBuffer in = ByteBuffer.wrap(received.toByteArray());
      long type = UdpTraffic.readVarint(in);
      long length = UdpTraffic.readVarint(in);
      if (type < 0 || length < 0 || in.remaining() < length) {
        continue;
      }
      assertEquals(0, type, "capsule type");
      assertEquals(0, UdpTraffic.readVarint(in), "context ID");
      byte[] answer = new byte[(int) length - 1];
      in.get(answer);
      return answer;
    }
  }
}
