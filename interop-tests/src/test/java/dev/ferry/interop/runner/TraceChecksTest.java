package dev.ferry.interop.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.runner.Trace.Amplification.Outcome;
import dev.ferry.interop.runner.TraceReader.Datagram;
import dev.ferry.interop.runner.TraceReader.QuicPacket;
import dev.ferry.interop.runner.TraceReader.Type;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TraceChecks} on hand-built traces, and {@link TraceReader}'s summary of hand-built datagrams and its
 * reading of a small PDML document.
 */
class TraceChecksTest {

  private static final Trace.Handshake FULL = new Trace.Handshake("aa01", true, true);
  private static final Trace.Handshake RESUMED = new Trace.Handshake("bb02", true, false);
  private static final String CHACHA20 = "0x1303";
  private static final String[] TLS_1_3_SUITES = {"0x1301", "0x1302", CHACHA20};

  @Test
  void oneCleanHandshakePassesTheSingleConnectionCases() {
    for (String name : List.of("handshake", "transfer", "http3", "blackhole", "transferloss", "retry")) {
      List<String> failures = TraceChecks.failures(name, new Builder().build());
      assertEquals(name.equals("retry") ? 1 : 0, failures.size(), name + ": " + failures);
    }
  }

  @Test
  void versionsOtherThanV1FailEveryCase() {
    assertFails("handshake", new Builder().versions(List.of("0x6b3343cf")).build(), "0x00000001", "0x6b3343cf");
    assertFails("transfer", new Builder().versions(List.of(Trace.QUIC_V1, "0x6b3343cf")).build(), "found [0x");
    assertFails("retry", new Builder().retry(1, new Trace.Retry(1, 1, false)).versions(List.of()).build(),
        "found []");
  }

  @Test
  void handshakeWantsExactlyOneHandshakeAndNoRetry() {
    assertFails("handshake", new Builder().handshakes(FULL, RESUMED).build(), "expected 1 handshake", "found 2");
    assertFails("handshake", new Builder().handshakes().build(), "found 0");
    assertFails("handshake", new Builder().retry(1, new Trace.Retry(2, 2, false)).build(), "expected no Retry",
        "1 from the server");
    // Like the runner, only the handshake case forbids a Retry.
    assertEquals(List.of(), TraceChecks.failures("transfer",
        new Builder().retry(1, new Trace.Retry(2, 2, false)).build()));
  }

  @Test
  void retryWantsARetryWhoseTokenEveryLaterInitialEchoes() {
    assertEquals(List.of(), TraceChecks.failures("retry",
        new Builder().retry(1, new Trace.Retry(2, 2, false)).build()));
    assertFails("retry", new Builder().build(), "expected a Retry", "found none");
    assertFails("retry", new Builder().retry(1, new Trace.Retry(0, 0, false)).build(), "found none");
    assertFails("retry", new Builder().retry(1, new Trace.Retry(3, 2, false)).build(), "echo its token",
        "found 2 of 3");
    assertFails("retry", new Builder().retry(1, new Trace.Retry(2, 2, true)).build(), "packet numbers");
    assertFails("retry", new Builder().retry(1, new Trace.Retry(2, 2, false)).handshakes(FULL, RESUMED).build(),
        "expected 1 handshake");
  }

  @Test
  void resumptionWantsACertificateInTheFirstHandshakeOnly() {
    assertEquals(List.of(), TraceChecks.failures("resumption", new Builder().handshakes(FULL, RESUMED).build()));
    assertFails("resumption", new Builder().handshakes(FULL, FULL).build(),
        "no Certificate message in the second handshake (aa01), found one");
    assertFails("resumption", new Builder().handshakes(RESUMED, RESUMED).build(),
        "a Certificate message in the first handshake (bb02), found none");
    assertFails("resumption", new Builder().handshakes(new Trace.Handshake("cc", false, false), RESUMED).build(),
        "undecrypted");
    assertFails("resumption", new Builder().handshakes(FULL).build(), "expected 2 handshakes", "found 1");
    assertFails("resumption", new Builder().handshakes(FULL, RESUMED).keyLog(false).build(), "key log");
  }

  @Test
  void zeroRttWantsTwoHandshakesAndEarlyDataFromTheClient() {
    Builder good = new Builder().handshakes(FULL, RESUMED).zeroRtt(2, 900);
    assertEquals(List.of(), TraceChecks.failures("zerortt", good.build()));
    assertFails("zerortt", new Builder().handshakes(FULL, RESUMED).build(), "0-RTT", "found 0 packets with 0");
    assertFails("zerortt", new Builder().handshakes(FULL, RESUMED).zeroRtt(1, 0).build(), "found 1 packets");
    assertFails("zerortt", new Builder().handshakes(FULL, FULL).zeroRtt(2, 900).build(), "second handshake");
    assertFails("zerortt", new Builder().handshakes(FULL).zeroRtt(2, 900).build(), "expected 2 handshakes");
    // Without keys the second handshake's Certificate cannot be seen; the runner does not look for it either.
    Trace undecrypted = new Builder().handshakes(new Trace.Handshake("a", false, false),
        new Trace.Handshake("b", false, false)).zeroRtt(2, 900).keyLog(false).build();
    assertEquals(List.of(), TraceChecks.failures("zerortt", undecrypted));
  }

  @Test
  void perFileCasesWantOneHandshakePerFile() {
    Trace three = new Builder().handshakes(FULL, RESUMED, new Trace.Handshake("cc03", true, true)).build();
    for (String name : List.of("multiconnect", "handshakeloss", "handshakecorruption")) {
      assertEquals(List.of(), TraceChecks.failures(name, three, 3));
      assertFails(name, three, 50, "expected 50 handshakes", "found 3");
      assertThrows(IllegalArgumentException.class, () -> TraceChecks.failures(name, three));
    }
  }

  @Test
  void keyUpdateWantsKeyPhaseOneFromBothSides() {
    assertEquals(List.of(), TraceChecks.failures("keyupdate", new Builder().keyPhases(5, 7, 4, 9).build()));
    assertFails("keyupdate", new Builder().keyPhases(5, 7, 12, 0).build(),
        "server 12 in phase 0 and 0 in phase 1");
    assertFails("keyupdate", new Builder().keyPhases(12, 0, 5, 7).build(), "client 12 in phase 0 and 0 in phase 1");
    assertFails("keyupdate", new Builder().keyPhases(5, 7, 4, 9).keyLog(false).build(), "key log");
  }

  @Test
  void amplificationLimitWantsALongChainAndValidationWithinTheLimit() {
    Builder good = new Builder().crypto(9000).amplification(Outcome.VALIDATED);
    assertEquals(List.of(), TraceChecks.failures("amplificationlimit", good.build()));
    assertFails("amplificationlimit", new Builder().crypto(1200).amplification(Outcome.VALIDATED).build(),
        "at least 7500", "found 1200");
    assertFails("amplificationlimit", new Builder().crypto(9000).amplification(Outcome.EXCEEDED).build(),
        "EXCEEDED");
    assertFails("amplificationlimit", new Builder().crypto(9000).amplification(Outcome.NOT_VALIDATED).build(),
        "NOT_VALIDATED");
    assertFails("amplificationlimit", new Builder().crypto(9000).oversized(3).build(), "found 3 larger");
  }

  @Test
  void multiplexingWantsAStreamLimitOfAtMostOneThousand() {
    assertEquals(List.of(), TraceChecks.failures("multiplexing", new Builder().maxStreams(1000).build()));
    assertFails("multiplexing", new Builder().maxStreams(1001).build(), "at most 1000, found 1001");
    assertFails("multiplexing", new Builder().maxStreams(-1).build(), "found none");
  }

  @Test
  void longRttWantsARetransmittedClientHelloInOneHandshakeWithoutRetry() {
    assertEquals(List.of(), TraceChecks.failures("longrtt", new Builder().clientHellos(2, TLS_1_3_SUITES).build()));
    assertEquals(List.of(), TraceChecks.failures("longrtt", new Builder().clientHellos(3, TLS_1_3_SUITES).build()));
    assertFails("longrtt", new Builder().build(), "at least 2 ClientHellos", "found 1");
    assertFails("longrtt", new Builder().clientHellos(0).build(), "found 0");
    assertFails("longrtt", new Builder().clientHellos(2, TLS_1_3_SUITES).handshakes(FULL, RESUMED).build(),
        "expected 1 handshake");
    // It extends the handshake case, whose Retry ban it keeps.
    assertFails("longrtt",
        new Builder().clientHellos(2, TLS_1_3_SUITES).retry(1, new Trace.Retry(2, 2, false)).build(),
        "expected no Retry");
    assertFails("longrtt", new Builder().clientHellos(2, TLS_1_3_SUITES).versions(List.of("0x6b3343cf")).build(),
        "0x6b3343cf");
  }

  @Test
  void chaCha20WantsChaCha20AsTheOnlyOfferedCipherSuite() {
    assertEquals(List.of(), TraceChecks.failures("chacha20", new Builder().clientHellos(1, CHACHA20).build()));
    // A retransmitted ClientHello offers the same suite again: still one distinct value.
    assertEquals(List.of(), TraceChecks.failures("chacha20", new Builder().clientHellos(2, CHACHA20).build()));
    assertFails("chacha20", new Builder().build(), "only TLS_CHACHA20_POLY1305_SHA256 (0x1303)",
        "found [0x1301, 0x1302, 0x1303]");
    assertFails("chacha20", new Builder().clientHellos(1, "0x1301").build(), "found [0x1301]");
    assertFails("chacha20", new Builder().clientHellos(0).build(), "found no cipher suites");
    assertFails("chacha20", new Builder().clientHellos(1, CHACHA20).handshakes(FULL, RESUMED).build(),
        "expected 1 handshake");
    assertFails("chacha20", new Builder().clientHellos(1, CHACHA20).versions(List.of()).build(), "found []");
  }

  @Test
  void casesWithoutCaptureRulesAreRejected() {
    for (String name : List.of("ecn", "versionnegotiation", "nonsense")) {
      assertThrows(IllegalArgumentException.class, () -> TraceChecks.failures(name, new Builder().build()));
    }
  }

  @Test
  void summaryCountsHandshakesByServerCidAndChecksTheRetryTokenEcho() {
    String server = "5151515151515151"; // 8 bytes: enough for the amplification walk to count it as validating
    List<Datagram> datagrams = List.of(
        new Datagram(false, 1200, List.of(packet(Type.INITIAL, "c1", "d0", "", 0))),
        new Datagram(true, 100, List.of(retry("r1", "c1", "7070"))),
        new Datagram(false, 1200, List.of(packet(Type.INITIAL, "c1", "r1", "7070", 1))),
        new Datagram(true, 1200, List.of(packet(Type.INITIAL, server, "c1", "", 0),
            handshake(server, true), packet(Type.ONE_RTT, "", "c1", "", 0))),
        new Datagram(false, 1200, List.of(packet(Type.INITIAL, "c1", server, "", 2),
            packet(Type.HANDSHAKE, "c1", server, "", 0))));
    Trace trace = TraceReader.summarize(datagrams, true);

    assertEquals(List.of(new Trace.Handshake(server, true, true)), trace.handshakes());
    assertEquals(new Trace.Retry(2, 1, false), trace.retry(), "the last Initial dropped the token");
    assertFails("retry", trace, "found 1 of 2");
    assertEquals(List.of(Trace.QUIC_V1), trace.serverInitialVersions());
    assertEquals(1, trace.fromServer().retry());
    assertEquals(3, trace.fromClient().initial());
    assertEquals(1, trace.fromServer().oneRtt());
    assertEquals(new Trace.Amplification(Outcome.VALIDATED, 2400, 1300), trace.amplification());
    assertEquals(0, trace.oversizedDatagrams());
    assertEquals(1, TraceReader.summarize(List.of(new Datagram(true, 13_200,
        List.of(packet(Type.ONE_RTT, "", "c1", "", 9)))), true).oversizedDatagrams());
  }

  /**
   * A client that coalesces its Initial ACK with its first Handshake packet has validated its address (RFC 9000
   * 8.1): the server's next flight, larger than 4 times the client's Initials, is within its rights. Taken from a
   * capture of quic-go's server and Ferry's client: 2 x 1,200 bytes of Initials, then 3 x 1,252 and 5 x 1,252.
   */
  @Test
  void aHandshakePacketCoalescedBehindAnInitialValidatesTheAddress() {
    String server = "4ab2d1f0"; // 4 bytes: too short to validate by itself
    List<Datagram> datagrams = new java.util.ArrayList<>();
    datagrams.add(new Datagram(false, 1200, List.of(packet(Type.INITIAL, "c1", "d0", "", 0))));
    for (int i = 0; i < 3; i++) {
      datagrams.add(new Datagram(true, 1252, List.of(handshake(server, true))));
    }
    datagrams.add(new Datagram(false, 1200, List.of(packet(Type.INITIAL, "c1", server, "", 1),
        packet(Type.HANDSHAKE, "c1", server, "", 0))));
    for (int i = 0; i < 5; i++) {
      datagrams.add(new Datagram(true, 1252, List.of(handshake(server, true))));
    }
    assertEquals(new Trace.Amplification(Outcome.VALIDATED, 1200, 3756),
        TraceReader.summarize(datagrams, true).amplification());
  }

  @Test
  void summaryCountsClientInitialsStartingAClientHelloAndTheSuitesOffered() {
    List<Datagram> datagrams = List.of(
        new Datagram(false, 1200, List.of(clientHello("c1", 0, "0x2a2a", "0x1301", CHACHA20))),
        // The ClientHello's first bytes again, not dissected as TLS a second time.
        new Datagram(false, 1200, List.of(clientHello("c1", 1))),
        new Datagram(true, 1200, List.of(serverHello("s1", "0x1301"), handshake("s1", true))),
        // A split ClientHello's tail, and a Handshake packet's CRYPTO frame at 0: neither starts a ClientHello.
        new Datagram(false, 1200, List.of(cryptoAt(Type.INITIAL, "c1", 1200, 2),
            cryptoAt(Type.HANDSHAKE, "c1", 0, 0))));
    Trace trace = TraceReader.summarize(datagrams, true);

    assertEquals(new Trace.ClientHellos(2, List.of("0x1301", CHACHA20)), trace.clientHellos(),
        "GREASE and the ServerHello's choice are no offers; the Handshake packet's offset 0 is no ClientHello");
    assertEquals(List.of(), TraceChecks.failures("longrtt", trace));
    assertFails("chacha20", trace, "found [0x1301, 0x1303]");
  }

  @Test
  void greaseCipherSuitesAreRecognised() {
    for (String suite : List.of("0x0a0a", "0x2a2a", "0xfafa")) {
      assertTrue(TraceReader.grease(suite), suite);
    }
    for (String suite : List.of("0x1303", "0x0a1a", "0x00ff", "nonsense")) {
      assertFalse(TraceReader.grease(suite), suite);
    }
  }

  @Test
  void pdmlGivesTheClientHellosCipherSuitesAndEachCryptoFrameAtOffsetZero() throws IOException {
    // Trimmed from a capture of a client offering ChaCha20 only; tshark nests the TLS message in the CRYPTO frame.
    String pdml = """
        <?xml version="1.0" encoding="utf-8"?>
        <pdml version="0" creator="wireshark/4.0.17">
        %s
        %s
        %s
        </pdml>
        """.formatted(
            pdmlInitial(51572, 443, "98f9a05783dff602", 0, """
                <proto name="tls" showname="TLSv1.3 Record Layer: Handshake Protocol: Client Hello">
                  <field name="tls.handshake" show="" value="">
                    <field name="tls.handshake.type" show="1" value="01"/>
                    <field name="tls.handshake.ciphersuites" show="" value="">
                      <field name="tls.handshake.ciphersuite" show="0x1303" value="1303"/>
                      <field name="tls.handshake.ciphersuite" show="4865" value="1301"/>
                    </field>
                  </field>
                </proto>"""),
            pdmlInitial(443, 51572, "4a2b6e8f01c3d5e7", 0, """
                <proto name="tls" showname="TLSv1.3 Record Layer: Handshake Protocol: Server Hello">
                  <field name="tls.handshake" show="" value="">
                    <field name="tls.handshake.type" show="2" value="02"/>
                    <field name="tls.handshake.ciphersuite" show="0x1303" value="1303"/>
                  </field>
                </proto>"""),
            pdmlInitial(51572, 443, "98f9a05783dff602", 0, ""));
    List<Datagram> datagrams = TraceReader.parse(new ByteArrayInputStream(pdml.getBytes(StandardCharsets.UTF_8)),
        443);

    assertEquals(3, datagrams.size());
    QuicPacket first = datagrams.get(0).packets().get(0);
    assertEquals(Type.INITIAL, first.type());
    assertTrue(first.cryptoAtZero());
    assertEquals(List.of(CHACHA20, "0x1301"), first.offeredCipherSuites(), "decimal shown as hexadecimal");
    assertEquals(List.of(), datagrams.get(1).packets().get(0).offeredCipherSuites(), "a ServerHello offers none");
    assertTrue(datagrams.get(2).packets().get(0).cryptoAtZero());
    assertEquals(new Trace.ClientHellos(2, List.of(CHACHA20, "0x1301")),
        TraceReader.summarize(datagrams, false).clientHellos());
  }

  /** One datagram holding one Initial packet with one CRYPTO frame, in tshark's PDML layout. */
  private static String pdmlInitial(int srcPort, int dstPort, String scid, long cryptoOffset, String tls) {
    return """
        <packet>
          <proto name="udp">
            <field name="udp.srcport" show="%d"/>
            <field name="udp.dstport" show="%d"/>
            <field name="udp.length" show="1208"/>
          </proto>
          <proto name="quic" showname="QUIC IETF" size="1200">
            <field name="quic.header_form" show="1" value="1"/>
            <field name="quic.long.packet_type" show="0" value="0"/>
            <field name="quic.version" show="0x00000001" value="00000001"/>
            <field name="quic.dcid" show="" value="ea1156eabb6a7362"/>
            <field name="quic.scid" show="" value="%s"/>
            <field name="quic.packet_number" show="0" value="36"/>
            <field name="quic.payload" size="1173" show="" value=""/>
            <field name="quic.frame" showname="CRYPTO" show="" value="">
              <field name="quic.crypto.offset" show="%d" value="00"/>
              <field name="quic.crypto.length" show="263" value="4107"/>
              %s
            </field>
          </proto>
        </packet>""".formatted(srcPort, dstPort, scid, cryptoOffset, tls);
  }

  @Test
  void amplificationWalkStopsAtAServerDatagramBeyondFourTimesTheClientsBytes() {
    List<Datagram> datagrams = List.of(
        new Datagram(false, 1200, List.of(packet(Type.INITIAL, "c1", "d0", "", 0))),
        new Datagram(true, 1200, List.of(packet(Type.INITIAL, "s1", "c1", "", 0))),
        new Datagram(true, 1200, List.of(handshake("s1", false))),
        new Datagram(true, 1200, List.of(handshake("s1", false))),
        new Datagram(true, 1200, List.of(handshake("s1", false))),
        new Datagram(false, 50, List.of(packet(Type.HANDSHAKE, "c1", "s1", "", 0))));
    assertEquals(new Trace.Amplification(Outcome.EXCEEDED, 1200, 4800), TraceReader.amplification(datagrams));
    assertEquals(Outcome.VALIDATED,
        TraceReader.amplification(List.of(datagrams.get(0), datagrams.get(1), datagrams.get(5))).outcome());
    assertEquals(Outcome.NOT_VALIDATED, TraceReader.amplification(datagrams.subList(0, 2)).outcome());
  }

  private static QuicPacket packet(Type type, String scid, String dcid, String token, long pn) {
    return new QuicPacket(type, type == Type.ONE_RTT ? null : Trace.QUIC_V1, scid, dcid, token, "", pn, 100, -1,
        -1, null, false, false, -1, -1, false, List.of());
  }

  private static QuicPacket retry(String scid, String dcid, String token) {
    return new QuicPacket(Type.RETRY, Trace.QUIC_V1, scid, dcid, "", token, -1, -1, -1, -1, null, false, false,
        -1, -1, false, List.of());
  }

  private static QuicPacket handshake(String scid, boolean certificate) {
    return new QuicPacket(Type.HANDSHAKE, Trace.QUIC_V1, scid, "c1", "", "", 0, 1000, -1, -1, null, false,
        certificate, 1000, -1, false, List.of());
  }

  /** A client Initial whose CRYPTO frame starts at 0, with the suites tshark dissected in it (none if resent). */
  private static QuicPacket clientHello(String scid, long pn, String... offered) {
    return new QuicPacket(Type.INITIAL, Trace.QUIC_V1, scid, "d0", "", "", pn, 1100, -1, -1, null, false, false,
        300, -1, true, List.of(offered));
  }

  private static QuicPacket serverHello(String scid, String chosen) {
    return new QuicPacket(Type.INITIAL, Trace.QUIC_V1, scid, "c1", "", "", 0, 100, -1, -1, null, false, false,
        90, -1, true, List.of(chosen));
  }

  private static QuicPacket cryptoAt(Type type, String scid, long offset, long pn) {
    return new QuicPacket(type, Trace.QUIC_V1, scid, "s1", "", "", pn, 100, -1, -1, null, false, false,
        offset + 50, -1, offset == 0, List.of());
  }

  private static void assertFails(String testCase, Trace trace, String... fragments) {
    assertFails(testCase, trace, 1, fragments);
  }

  private static void assertFails(String testCase, Trace trace, int files, String... fragments) {
    List<String> failures = TraceChecks.failures(testCase, trace, files);
    assertTrue(failures.stream().anyMatch(f -> List.of(fragments).stream().allMatch(f::contains)),
        testCase + ": no failure containing " + List.of(fragments) + " in " + failures);
  }

  /** A trace of one clean v1 handshake with keys, to vary one thing at a time. */
  private static final class Builder {
    private List<String> versions = List.of(Trace.QUIC_V1);
    private List<Trace.Handshake> handshakes = List.of(FULL);
    private int retries;
    private Trace.Retry retry = Trace.Retry.NONE;
    private int zeroRtt;
    private long zeroRttBytes;
    private int[] phases = {4, 0, 4, 0};
    private long crypto = 1200;
    private long maxStreams = 100;
    private Outcome amplification = Outcome.VALIDATED;
    private boolean keyLog = true;
    private int oversized;
    private Trace.ClientHellos clientHellos = new Trace.ClientHellos(1, List.of(TLS_1_3_SUITES));

    Builder versions(List<String> value) {
      versions = value;
      return this;
    }

    Builder handshakes(Trace.Handshake... value) {
      handshakes = List.of(value);
      return this;
    }

    Builder retry(int count, Trace.Retry value) {
      retries = count;
      retry = value;
      return this;
    }

    Builder zeroRtt(int packets, long bytes) {
      zeroRtt = packets;
      zeroRttBytes = bytes;
      return this;
    }

    Builder keyPhases(int client0, int client1, int server0, int server1) {
      phases = new int[] {client0, client1, server0, server1};
      return this;
    }

    Builder crypto(long value) {
      crypto = value;
      return this;
    }

    Builder maxStreams(long value) {
      maxStreams = value;
      return this;
    }

    Builder amplification(Outcome value) {
      amplification = value;
      return this;
    }

    Builder oversized(int value) {
      oversized = value;
      return this;
    }

    Builder clientHellos(int sent, String... offered) {
      clientHellos = new Trace.ClientHellos(sent, List.of(offered));
      return this;
    }

    Builder keyLog(boolean value) {
      keyLog = value;
      return this;
    }

    Trace build() {
      Trace.Packets client = new Trace.Packets(retries > 0 ? 2 : 1, zeroRtt, 2, 0, 5, 0, zeroRttBytes, 400,
          phases[0], phases[1]);
      Trace.Packets server = new Trace.Packets(1, 0, 2, retries, 5, 0, 0, 4000, phases[2], phases[3]);
      return new Trace(versions, versions, client, server, handshakes, retry, clientHellos, crypto, maxStreams,
          new Trace.Amplification(amplification, 1200, 3000), keyLog, 0, oversized);
    }
  }
}
