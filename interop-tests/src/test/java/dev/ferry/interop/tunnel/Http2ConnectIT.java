package dev.ferry.interop.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.tunnel.TunnelCounters;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.Http2RawClient;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.testorigin.PatternBytes;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tunnels over HTTP/2 on the relay's TCP listener, for clients that cannot reach UDP (the fallback iCloud Private
 * Relay offers as {@code mask-h2}): CONNECT-UDP with extended CONNECT (RFC 8441, RFC 9298 5), where every UDP payload
 * is a DATAGRAM capsule on the stream, and classic CONNECT (RFC 9113 8.5) to a TCP target. Same egress policy and
 * counters as over HTTP/3.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Http2ConnectIT {
  private static final int COUNT = 1_000;
  private static final int WINDOW = 16;

  private static UdpEchoServer echo;
  private static BuiltinOrigin origin;
  private static FerryRelay relay;

  @BeforeAll
  static void start() throws Exception {
    echo = UdpEchoServer.echo("127.0.0.1");
    origin = BuiltinOrigin.builder().build().start();
    relay = TunnelRelays.start(WorkDirs.create("h2-connect").resolve("state"),
        TunnelRelays.tunnels(TunnelRelays.allowing("127.0.0.0/8"), TunnelRelays.open(), Map.of()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) {
      relay.close();
    }
    if (origin != null) {
      origin.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  @Test
  void connectUdpOverHttp2CarriesEveryDatagramAsACapsule() throws Exception {
    try (Http2RawClient client = Http2RawClient.connect(relayAddress())) {
      assertEquals(Boolean.TRUE, client.peerSettings().connectProtocolEnabled(),
          "the relay must announce SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 when tunnels are on");
      long toTargetBefore = relay.server().tunnelTotals().datagramsToTarget();
      Http2RawClient.Tunnel tunnel = client.open(Http2RawClient.connectUdp("127.0.0.1:" + relay.port(),
          "127.0.0.1", echo.port()));
      Http2Headers head = tunnel.head();
      assertEquals("200", head.status().toString(), head.toString());
      assertEquals("?1", String.valueOf(head.get("capsule-protocol")));

      // Larger than any QUIC datagram could carry: on HTTP/2 the capsule is the only way, and has room.
      UdpTraffic traffic = new UdpTraffic(COUNT, 4, 4_000);
      AtomicInteger foreign = new AtomicInteger();
      Thread reader = new Thread(() -> readCapsules(tunnel, traffic, foreign), "h2-capsule-reader");
      reader.setDaemon(true);
      reader.start();
      UdpTraffic.Result result = traffic.run(p -> tunnel.send(capsule(p), false), WINDOW, 3_000);
      tunnel.send(new byte[0], true);
      reader.join(10_000);
      TunnelCounters totals = TunnelRelays.awaitTotals(relay,
          t -> t.datagramsToTarget() - toTargetBefore >= COUNT);
      System.out.printf(Locale.ROOT, "Http2ConnectIT: CONNECT-UDP over HTTP/2, %d payloads %d..%d B: %s; relay %s%n",
          COUNT, traffic.minSize(), traffic.maxSize(), result, totals);

      assertEquals(COUNT, result.intact(), "every payload must come back intact: " + result);
      assertEquals(0, result.corrupt() + result.duplicates(), result.toString());
      assertEquals(0, foreign.get(), "capsules of another type or context");
      assertEquals(COUNT, totals.datagramsToTarget() - toTargetBefore, totals.toString());
      assertEquals(totals.datagramsToClient(), totals.capsulesToClient(),
          "over HTTP/2 every answer is a capsule: " + totals);
    }
  }

  @Test
  void classicConnectOverHttp2ReachesATcpTarget() throws Exception {
    try (Http2RawClient client = Http2RawClient.connect(relayAddress())) {
      Http2RawClient.Tunnel tunnel = client.open(Http2RawClient.connect("127.0.0.1", origin.address().getPort()));
      assertEquals("200", tunnel.head().status().toString(), tunnel.head().toString());
      int size = 3 * PatternBytes.CHUNK_SIZE + 5;
      tunnel.send(("GET /bytes/" + size + " HTTP/1.1\r\nHost: ferry.test\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII), false);
      byte[] answer = tunnel.readToEnd(10);
      String text = new String(answer, StandardCharsets.ISO_8859_1);
      int bodyAt = text.indexOf("\r\n\r\n") + 4;
      assertTrue(text.startsWith("HTTP/1.1 200"), text.substring(0, Math.min(200, text.length())));
      assertArrayEquals(PatternBytes.bytes(0, size), Arrays.copyOfRange(answer, bodyAt, answer.length),
          "the origin's bytes through the tunnel");
    }
  }

  @Test
  void aConnectTheEgressPolicyForbidsIsRefusedOverHttp2Too() throws Exception {
    try (Http2RawClient client = Http2RawClient.connect(relayAddress())) {
      // 10.0.0.0/8 is not on the allow list: the same refusal as over HTTP/3.
      Http2RawClient.Tunnel tunnel = client.open(Http2RawClient.connectUdp("127.0.0.1:" + relay.port(),
          "10.1.2.3", 5000));
      Http2Headers head = tunnel.head();
      assertEquals("403", head.status().toString(), head.toString());
      assertTrue(String.valueOf(head.get("proxy-status")).contains("destination_ip_prohibited"),
          String.valueOf(head.get("proxy-status")));
    }
  }

  private static InetSocketAddress relayAddress() {
    return new InetSocketAddress("127.0.0.1", relay.port());
  }

  /** A DATAGRAM capsule (type 0) with context ID 0 around {@code payload} (RFC 9297 3.5). */
  private static byte[] capsule(byte[] payload) {
    byte[] value = UdpTraffic.contextPayload(0, payload);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    UdpTraffic.writeVarint(out, 0);
    UdpTraffic.writeVarint(out, value.length);
    out.writeBytes(value);
    return out.toByteArray();
  }

  /** Parses the capsule stream of the relay's DATA frames, whatever their boundaries, until the stream ends. */
  private static void readCapsules(Http2RawClient.Tunnel tunnel, UdpTraffic traffic, AtomicInteger foreign) {
    ByteBuffer pending = ByteBuffer.allocate(1 << 20);
    try {
      while (true) {
        byte[] piece = tunnel.data.poll(10, TimeUnit.SECONDS);
        if (piece == null || piece.length == 0) {
          return;
        }
        pending.put(piece);
        pending.flip();
        while (true) {
          pending.mark();
          long type = varint(pending);
          long length = type < 0 ? -1 : varint(pending);
          if (length < 0 || pending.remaining() < length) {
            pending.reset();
            break;
          }
          byte[] value = new byte[(int) length];
          pending.get(value);
          ByteBuffer v = ByteBuffer.wrap(value);
          if (type != 0 || UdpTraffic.readVarint(v) != 0) {
            foreign.incrementAndGet();
            continue;
          }
          byte[] payload = new byte[v.remaining()];
          v.get(payload);
          traffic.received(payload);
        }
        pending.compact();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A QUIC varint, or -1 when the buffer ends inside it. */
  private static long varint(ByteBuffer in) {
    if (!in.hasRemaining()) {
      return -1;
    }
    int first = in.get(in.position()) & 0xff;
    int length = 1 << (first >> 6);
    if (in.remaining() < length) {
      return -1;
    }
    return UdpTraffic.readVarint(in);
  }
}
