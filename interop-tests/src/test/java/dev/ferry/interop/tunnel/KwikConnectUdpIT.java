package dev.ferry.interop.tunnel;

import dev.ferry.http3.Http3Codes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.tunnel.TunnelCounters;
import dev.ferry.interop.relay.FerryRelay;
import dev.ferry.interop.support.WorkDirs;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tech.kwik.flupke.core.GenericCapsule;
import tech.kwik.flupke.impl.CapsuleProtocolStreamImpl;

/**
 * CONNECT-UDP (RFC 9298) through Ferry with an independent client: kwik (QUIC, with its datagram extension) and
 * flupke (HTTP/3) driven by hand, since neither implements CONNECT-UDP or HTTP Datagrams itself. The client announces
 * SETTINGS_H3_DATAGRAM (0x33) through flupke's {@code addSettingsParameter}, opens an extended CONNECT with
 * {@code :protocol connect-udp} to {@code /.well-known/masque/udp/127.0.0.1/<port>/}, and talks to a UDP echo server on
 * loopback:
 * <ul>
 *   <li>first with QUIC DATAGRAM frames carrying quarter stream id + context id 0 + payload: 1,000 payloads of mixed
 *       sizes, each fitting one QUIC datagram, at least 99% come back byte for byte (QUIC datagrams are unreliable);
 *       no answer may come back as a DATAGRAM capsule (an answer too large for a datagram is dropped, RFC 9298 5);</li>
 *   <li>then, on a second tunnel, with DATAGRAM capsules on the request stream: every payload the relay reads back
 *       from the echo server reaches the client as a capsule, intact; at least 99% of 1,000 (the target legs are
 *       UDP on loopback, which does drop under load);</li>
 *   <li>last, on a third tunnel, one capsule and then QUIC datagrams: the answers ride QUIC datagrams (one capsule
 *       answer at most, to the capsule itself).</li>
 * </ul>
 * The relay's tunnel totals must account for the traffic: datagrams to the target equal what the echo server got,
 * datagrams to the client equal what it sent back, and in capsule mode every answer is counted as a capsule.
 * The same payloads sent straight to the echo server give a direct rate to set the tunnel's rate against.
 */
class KwikConnectUdpIT {
    private static final int COUNT = 1_000;
    private static final int WINDOW = 32;
    private static final int MIXED_COUNT = 300;
    /**
     * The QUIC DATAGRAM frame data kept to with kwik 0.10.8: it reports {@code maxDatagramDataSize()} = 1,224, but
     * datagrams of 1,212 to 1,224 bytes never reach a peer (checked one size at a time against a bare Netty QUIC
     * server) and one of 1,211 was lost here once; sending them would test kwik, not the relay. 1,200 keeps a margin.
     */
    private static final int KWIK_DATAGRAM_LIMIT = 1_200;

    @Test
    void udpEchoThroughConnectUdpWorksWithQuicDatagramsAndWithCapsules() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.echo("127.0.0.1");
             FerryRelay relay = TunnelRelays.start(WorkDirs.create("kwik-connect-udp").resolve("state"),
                     TunnelRelays.tunnels(TunnelRelays.allowing("127.0.0.0/8"), TunnelRelays.open(), Map.of()));
             KwikTunnelClient client = KwikTunnelClient.connect(relay.address(), true)) {
            assertEquals(Optional.of(1L), client.peerSetting(Http3Codes.SETTINGS_H3_DATAGRAM),
                    "the relay must announce SETTINGS_H3_DATAGRAM = 1");
            assertEquals(Optional.of(1L), client.peerSetting(KwikTunnelClient.SETTINGS_ENABLE_CONNECT_PROTOCOL),
                    "the relay must announce SETTINGS_ENABLE_CONNECT_PROTOCOL = 1");
            assertTrue(client.quic().canSendDatagram(), "the relay must accept QUIC DATAGRAM frames");
            String authority = "127.0.0.1:" + relay.port();
            String path = KwikTunnelClient.masquePath("127.0.0.1", echo.port());

            // ---- 1. QUIC DATAGRAM frames -----------------------------------------------------------------------
            KwikTunnelClient.Tunnel tunnel = client.connectUdp(authority, path, Map.of());
            assertEquals(200, tunnel.status(), "CONNECT-UDP answer: " + tunnel.headers().map());
            assertEquals("?1", tunnel.header("capsule-protocol"));
            long quarter = tunnel.quarterStreamId();
            // Room for the quarter stream id and the context id (one byte each here) in the largest datagram. kwik
            // 0.10.8 reports 1,224 B of datagram data but nothing above 1,211 B ever arrives (see KWIK_DATAGRAM_LIMIT).
            int maxPayload = Math.min(client.quic().maxDatagramDataSize(), KWIK_DATAGRAM_LIMIT) - 2;
            UdpTraffic traffic = new UdpTraffic(COUNT, 4, maxPayload);
            AtomicInteger foreign = new AtomicInteger();
            client.quic().setDatagramHandler(datagram -> {
                ByteBuffer in = ByteBuffer.wrap(datagram);
                long q = UdpTraffic.readVarint(in);
                long context = UdpTraffic.readVarint(in);
                if (q != quarter || context != 0) {
                    foreign.incrementAndGet();
                    return;
                }
                byte[] payload = new byte[in.remaining()];
                in.get(payload);
                traffic.received(payload);
            });
            // Count answers that come as capsules: none may (the relay drops what does not fit a datagram).
            AtomicInteger capsuleAnswers = new AtomicInteger();
            Thread capsules = readCapsules(tunnel, traffic, capsuleAnswers);
            long echoBefore = echo.received();
            long echoedBefore = echo.echoed();
            UdpTraffic.Result viaDatagrams = traffic.run(
                    p -> client.quic().sendDatagram(UdpTraffic.httpDatagram(quarter, 0, p)), WINDOW, 1_000);
            tunnel.finish();
            capsules.join(10_000);
            // A tunnel's counts join the totals when it ends, all at once; until then they read zero.
            TunnelCounters afterDatagrams = TunnelRelays.awaitTotals(relay,
                    t -> t.datagramsToTarget() >= COUNT * 99 / 100);
            // The relay's count is final now, but its last datagrams to the echo server may still be on their way:
            // wait for them before reading the echo server's counts.
            long relayToTarget = afterDatagrams.datagramsToTarget();
            long echoGot = echo.awaitReceived(echoBefore + relayToTarget) - echoBefore;
            long echoSent = echo.echoed() - echoedBefore;
            System.out.printf(Locale.ROOT, "KwikConnectUdpIT: QUIC datagrams, payloads %d..%d B: %s; "
                    + "answers as capsules %d; echo received %d sent %d; relay totals %s%n", traffic.minSize(),
                    traffic.maxSize(), viaDatagrams, capsuleAnswers.get(), echoGot, echoSent, afterDatagrams);

            assertEquals(COUNT, viaDatagrams.sent());
            assertEquals(0, viaDatagrams.corrupt(), "corrupted payloads");
            assertEquals(0, foreign.get(), "datagrams for another stream or context");
            assertTrue(viaDatagrams.intact() >= COUNT * 99 / 100,
                    "only " + viaDatagrams.intact() + " of " + COUNT + " came back intact");
            // kwik 0.10.8 sends a PTO probe as a copy of the oldest unacknowledged packet, DATAGRAM frames included
            // (RecoveryManager.getFramesToRetransmit keeps every frame but ACK), so a few payloads reach the relay
            // twice and the relay rightly forwards both. Seen here: 1,004 to the target for 1,000 sent.
            assertTrue(relayToTarget >= COUNT * 99 / 100 && relayToTarget <= COUNT + COUNT / 100,
                    "relay datagrams to target " + relayToTarget + " for " + COUNT + " sent; " + afterDatagrams);
            // The legs to the echo server are UDP on loopback: nothing arrives that the relay did not send, and the
            // kernel may drop a few under load (see phase 2).
            assertTrue(echoGot <= relayToTarget && echoGot >= relayToTarget * 99 / 100,
                    "echo received " + echoGot + " of the relay's " + relayToTarget);
            long relayToClient = afterDatagrams.datagramsToClient();
            assertTrue(relayToClient <= echoSent && relayToClient >= echoSent * 99 / 100,
                    "relay datagrams to client " + relayToClient + " of the echo server's " + echoSent);
            assertEquals(0, capsuleAnswers.get(), "answers that came as capsules to a client taking datagrams");
            assertEquals(0, afterDatagrams.capsulesToClient(), afterDatagrams.toString());
            // The relay's totals are live counters: keep the figures of phase 1.
            long toTargetBefore = afterDatagrams.datagramsToTarget();
            long toClientBefore = afterDatagrams.datagramsToClient();
            long capsulesBefore = afterDatagrams.capsulesToClient();

            // ---- 2. DATAGRAM capsules on the stream -------------------------------------------------------------
            KwikTunnelClient.Tunnel capsuleTunnel = client.connectUdp(authority, path, Map.of());
            assertEquals(200, capsuleTunnel.status(), "CONNECT-UDP answer: " + capsuleTunnel.headers().map());
            UdpTraffic capsuleTraffic = new UdpTraffic(COUNT, 4, 1_400);
            AtomicInteger capsuleReplies = new AtomicInteger();
            Thread capsuleReader = readCapsules(capsuleTunnel, capsuleTraffic, capsuleReplies);
            long echoReceivedBefore = echo.received();
            long echoSentBefore = echo.echoed();
            CapsuleProtocolStreamImpl out = new CapsuleProtocolStreamImpl(capsuleTunnel.stream());
            OutputStream flush = capsuleTunnel.stream().getOutputStream();
            UdpTraffic.Result viaCapsules = capsuleTraffic.run(p -> {
                out.send(new GenericCapsule(0, UdpTraffic.contextPayload(0, p)));
                flush.flush();
            }, WINDOW, 3_000);
            capsuleTunnel.finish();
            capsuleReader.join(10_000);
            // A tunnel's counts join the totals when it ends, all at once.
            TunnelCounters afterCapsules = TunnelRelays.awaitTotals(relay,
                    t -> t.datagramsToTarget() >= toTargetBefore + COUNT);
            System.out.printf(Locale.ROOT, "KwikConnectUdpIT: DATAGRAM capsules, payloads %d..%d B: %s; "
                    + "capsules read %d; echo received %d sent %d; relay totals %s%n", capsuleTraffic.minSize(),
                    capsuleTraffic.maxSize(), viaCapsules, capsuleReplies.get(), echo.received(), echo.echoed(),
                    afterCapsules);

            // Client to relay and relay to client are one reliable stream here: every capsule the client sent goes to
            // the target, and every datagram the relay read back reaches the client, as a capsule, intact.
            long relayReadBack = afterCapsules.datagramsToClient() - toClientBefore;
            assertEquals(COUNT, afterCapsules.datagramsToTarget() - toTargetBefore, afterCapsules.toString());
            assertEquals(relayReadBack, viaCapsules.intact(), viaCapsules.toString());
            assertEquals(relayReadBack, capsuleReplies.get(), "answers must come back as capsules");
            assertEquals(relayReadBack, afterCapsules.capsulesToClient() - capsulesBefore, afterCapsules.toString());
            assertEquals(0, viaCapsules.corrupt() + viaCapsules.duplicates(), viaCapsules.toString());
            assertEquals(0, afterCapsules.totalDrops(), afterCapsules.toString());
            // The two legs to the echo server are UDP on loopback, whose receive buffers do overflow on a loaded
            // machine (the kernel's UdpRcvbufErrors counter climbs during these suites; one reply in 1,000 was seen
            // lost there, never counted by the relay). So those legs are held to what they can promise: nothing
            // arrives that was not sent, and at most 1% goes missing.
            long echoGotCapsules = echo.received() - echoReceivedBefore;
            long echoSentCapsules = echo.echoed() - echoSentBefore;
            assertTrue(echoGotCapsules >= COUNT * 99 / 100 && echoGotCapsules <= COUNT,
                    "echo received " + echoGotCapsules);
            assertTrue(relayReadBack >= COUNT * 99 / 100 && relayReadBack <= echoSentCapsules,
                    "relay read back " + relayReadBack + " of " + echoSentCapsules + " the echo server sent");

            // ---- 3. one capsule, then QUIC datagrams --------------------------------------------------------------
            // A client that takes QUIC datagrams may still send a capsule now and then (a payload too large for a
            // datagram, or one sent before the relay's SETTINGS came). The relay must keep answering on datagrams
            // once the client has sent one, not move the whole tunnel onto the stream.
            KwikTunnelClient.Tunnel mixedTunnel = client.connectUdp(authority, path, Map.of());
            assertEquals(200, mixedTunnel.status(), "CONNECT-UDP answer: " + mixedTunnel.headers().map());
            long mixedQuarter = mixedTunnel.quarterStreamId();
            UdpTraffic mixedTraffic = new UdpTraffic(MIXED_COUNT, 4, maxPayload);
            client.quic().setDatagramHandler(datagram -> {
                ByteBuffer in = ByteBuffer.wrap(datagram);
                if (UdpTraffic.readVarint(in) == mixedQuarter && UdpTraffic.readVarint(in) == 0) {
                    byte[] payload = new byte[in.remaining()];
                    in.get(payload);
                    mixedTraffic.received(payload);
                }
            });
            AtomicInteger mixedCapsuleAnswers = new AtomicInteger();
            Thread mixedReader = readCapsules(mixedTunnel, mixedTraffic, mixedCapsuleAnswers);
            CapsuleProtocolStreamImpl mixedOut = new CapsuleProtocolStreamImpl(mixedTunnel.stream());
            OutputStream mixedFlush = mixedTunnel.stream().getOutputStream();
            AtomicInteger mixedSends = new AtomicInteger();
            UdpTraffic.Result viaMixed = mixedTraffic.run(p -> {
                if (mixedSends.getAndIncrement() == 0) {
                    mixedOut.send(new GenericCapsule(0, UdpTraffic.contextPayload(0, p)));
                    mixedFlush.flush();
                    // Let the capsule reach the relay before the first datagram: the case under test.
                    Thread.sleep(50);
                } else {
                    client.quic().sendDatagram(UdpTraffic.httpDatagram(mixedQuarter, 0, p));
                }
            }, WINDOW, 1_000);
            mixedTunnel.finish();
            mixedReader.join(10_000);
            System.out.printf(Locale.ROOT, "KwikConnectUdpIT: one capsule then QUIC datagrams: %s; answers as "
                    + "capsules %d%n", viaMixed, mixedCapsuleAnswers.get());
            assertTrue(viaMixed.intact() >= MIXED_COUNT * 99 / 100, viaMixed.toString());
            assertEquals(0, viaMixed.corrupt(), viaMixed.toString());
            // The answer to the capsule itself may come as a capsule (no datagram had arrived yet); no other may.
            assertTrue(mixedCapsuleAnswers.get() <= 1,
                    mixedCapsuleAnswers.get() + " answers came as capsules after the client sent QUIC datagrams");

            // ---- the same datagrams straight to the echo server, for the rate ----------------------------------
            UdpTraffic direct = new UdpTraffic(COUNT, 4, maxPayload);
            UdpTraffic.Result directResult = direct.runThrough(echo.address(), WINDOW, 1_000);
            assertEquals(COUNT, directResult.intact(), directResult.toString());
            System.out.printf(Locale.ROOT, "KwikConnectUdpIT: rate, %d payloads %d..%d B, window %d:"
                    + " direct %.0f/s, via QUIC datagrams %.0f/s, via capsules %.0f/s%n", COUNT, 4, maxPayload, WINDOW,
                    directResult.perSecond(), viaDatagrams.perSecond(), viaCapsules.perSecond());
        }
    }

    /** Counts and hands on each context-0 DATAGRAM capsule of {@code tunnel} (see {@link KwikCapsules}). */
    private static Thread readCapsules(KwikTunnelClient.Tunnel tunnel, UdpTraffic traffic, AtomicInteger count) {
        return KwikCapsules.readDatagrams(tunnel, payload -> {
            count.incrementAndGet();
            traffic.received(payload);
        });
    }
}
