package dev.ferry.interop.privacy;

import static dev.ferry.interop.privacy.PrivacyParties.HOP1_TOKEN;
import static dev.ferry.interop.privacy.PrivacyParties.HOP2_TOKEN;
import static dev.ferry.interop.privacy.PrivacyParties.ferry;
import static dev.ferry.interop.privacy.PrivacyTopology.CLIENT;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP1_BACK;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP1_FRONT;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP1_PORT;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP2_EGRESS_BERLIN;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP2_EGRESS_DEFAULT;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP2_FRONT;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP2_PORT;
import static dev.ferry.interop.privacy.PrivacyTopology.ORIGIN;
import static dev.ferry.interop.privacy.PrivacyTopology.ORIGIN_H3_PORT;
import static dev.ferry.interop.privacy.PrivacyTopology.ORIGIN_HTTPS_PORT;
import static dev.ferry.interop.privacy.PrivacyTopology.ORIGIN_HTTP_PORT;
import static dev.ferry.interop.privacy.PrivacyTopology.ORIGIN_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.interop.support.BackgroundProcess;
import dev.ferry.interop.support.GtlsClient;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.NetworkNamespaces;
import dev.ferry.interop.support.ProcessRunner;
import dev.ferry.interop.support.RandomFiles;
import dev.ferry.interop.support.WorkDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A two-hop privacy relay in four network namespaces (client, hop1, hop2, origin; see {@link PrivacyTopology}),
 * each hop its own {@code ferry serve} process, driven by clients nobody here wrote where they can be: ngtcp2's
 * {@code gtlsclient}, curl and kwik, with Ferry's own client tools only as the local end of the tunnels. The first
 * tests move traffic through both hops; the last but one reads the captures and logs of every party to show what
 * each learned; the last measures transfer rates through none, one and two hops in the same run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoHopPrivacyRelayIT {
    private static final long TEN_MIB = 10L << 20;
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final String HOP1 = "https://" + HOP1_FRONT + ":" + HOP1_PORT;
    private static final String HOP2 = "https://" + HOP2_FRONT + ":" + HOP2_PORT;
    /** A CONNECT-UDP target hop1 could reach but must refuse: not its next hop. */
    private static final int NOT_A_NEXT_HOP_PORT = 9999;
    /** Origin ports asked for by clients that a hop must stop: nothing may ever arrive there. */
    private static final int PORT_BEHIND_HOP1_REFUSAL = 4435;
    private static final int PORT_BEHIND_HOP2_REFUSAL = 4436;
    private final List<String> rates = new ArrayList<>();
    private final Map<String, String> levels = new LinkedHashMap<>();
    private PrivacyTopology net;
    private PrivacyParties parties;
    private Path work;
    private Path tenMib;
    private Path oneMib;
    private int localPorts = 5000;
    private int kwikRuns;

    @BeforeAll
    void startTheRelayAndItsPeers() throws Exception {
        work = WorkDirs.create("two-hop-privacy");
        Path docroot = Files.createDirectories(work.resolve("htdocs"));
        tenMib = RandomFiles.create(docroot.resolve("ten-mib.bin"), TEN_MIB, 9);
        oneMib = RandomFiles.create(docroot.resolve("one-mib.bin"), 1L << 20, 10);
        net = new PrivacyTopology();
        try {
            parties = new PrivacyParties(net, work, docroot);
        } catch (Exception | Error e) {
            net.close();
            throw e;
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        try {
            if (parties != null) {
                parties.close();
            }
        } finally {
            net.close();
        }
    }

    @Test
    @Order(1)
    void theClientReachesNothingButHopOne() throws Exception {
        // The premise of every other test: without the hops nothing gets through.
        String clientRoutes = net.namespaces.routes(net.client);
        assertFalse(clientRoutes.contains("default") || clientRoutes.contains("10.250.2.")
                || clientRoutes.contains("10.250.3."), clientRoutes);
        String hop1Routes = net.namespaces.routes(net.hop1);
        assertFalse(hop1Routes.contains("default") || hop1Routes.contains("10.250.3."), hop1Routes);
        ProcessRunner.Result curl = run(net.client, "curl-direct", List.of("curl", "-sS", "--max-time", "3",
                "http://" + ORIGIN + ":" + ORIGIN_HTTP_PORT + "/whoami"));
        assertNotEquals(0, curl.exitCode(), "the client reached the origin without the relay");
    }

    @Test
    @Order(2)
    void gtlsclientFetchesTenMebibytesFromGtlsserverThroughBothHops() throws Exception {
        int port = localPort();
        BackgroundProcess tunnel = tunnel(net.client, "tunnel-udp-two-hops", "udp", port,
                ORIGIN_NAME + ":" + ORIGIN_H3_PORT, HOP1, HOP1_TOKEN, HOP2, HOP2_TOKEN);
        double seconds = fetchTenMib(net.client, port, "gtlsclient-two-hops");
        stop(tunnel);
        levels.put("two hops, gtlsclient", tunnelSummary(tunnel));
        rates.add(String.format(Locale.ROOT, "two hops with captures running: %.1f MB/s", TEN_MIB / seconds / 1e6));
    }

    @Test
    @Order(3)
    void curlFetchesTenMebibytesFromNginxOverConnectThroughBothHops() throws Exception {
        int port = localPort();
        BackgroundProcess tunnel = tunnel(net.client, "tunnel-tcp-two-hops", "tcp", port,
                ORIGIN_NAME + ":" + ORIGIN_HTTPS_PORT, HOP1, HOP1_TOKEN, HOP2, HOP2_TOKEN);
        Path out = work.resolve("curl-ten-mib.bin");
        ProcessRunner.Result curl = run(net.client, "curl-two-hops", List.of("curl", "-sS", "-k", "--connect-to",
                ORIGIN_NAME + ":" + ORIGIN_HTTPS_PORT + ":127.0.0.1:" + port, "-o", out.toString(),
                "https://" + ORIGIN_NAME + ":" + ORIGIN_HTTPS_PORT + "/ten-mib.bin"));
        stop(tunnel);
        assertEquals(0, curl.exitCode(), curl.stderrText() + tunnel.logText());
        assertEquals(Hashes.sha256(tenMib), Hashes.sha256(out), "10 MiB over CONNECT through both hops");
    }

    @Test
    @Order(4)
    void ferryGetFetchesOverHttp3ThroughBothHops() throws Exception {
        Path out = work.resolve("get-one-mib.bin");
        ProcessRunner.Result get = run(net.client, "get-two-hops", ferry("get", "-k", "-v",
                "--via", HOP1, "--token", HOP1_TOKEN, "--via", HOP2, "--token", HOP2_TOKEN, "-o", out.toString(),
                "https://" + ORIGIN_NAME + ":" + ORIGIN_H3_PORT + "/one-mib.bin"));
        assertEquals(0, get.exitCode(), get.stderrText());
        assertEquals(Hashes.sha256(oneMib), Hashes.sha256(out), "ferry get through both hops");
    }

    @Test
    @Order(5)
    void kwikOpensConnectThroughHopTwoInsideATunnelThroughHopOne() throws Exception {
        int port = localPort();
        BackgroundProcess tunnel = tunnel(net.client, "tunnel-to-hop2", "udp", port, HOP2_FRONT + ":" + HOP2_PORT,
                HOP1, HOP1_TOKEN);
        Map<String, String> answer = kwikConnect(net.client, port, "/one-mib.bin", Map.of());
        stop(tunnel);
        assertEquals("200", answer.get("status"), answer.toString());
        assertEquals("HTTP/1.1 200 OK", answer.get("response"), answer.toString());
        assertEquals(Hashes.sha256(oneMib), answer.get("body-sha256"), "1 MiB by kwik through both hops");
    }

    @Test
    @Order(6)
    void theGeohashHintPicksTheEgressAddressTheOriginSees() throws Exception {
        int port = localPort();
        BackgroundProcess tunnel = tunnel(net.client, "tunnel-geo", "udp", port, HOP2_FRONT + ":" + HOP2_PORT,
                HOP1, HOP1_TOKEN);
        Map<String, String> berlin = kwikConnect(net.client, port, "/whoami", Map.of("sec-ch-geohash", "\"u33dc0\""));
        Map<String, String> none = kwikConnect(net.client, port, "/whoami", Map.of());
        Map<String, String> invalid = kwikConnect(net.client, port, "/whoami", Map.of("sec-ch-geohash", "\"u33a!\""));
        stop(tunnel);
        assertEquals(HOP2_EGRESS_BERLIN, berlin.get("body"), berlin.toString());
        assertEquals("null", berlin.get("proxy-status"), berlin.toString());
        assertEquals(HOP2_EGRESS_DEFAULT, none.get("body"), none.toString());
        assertEquals(HOP2_EGRESS_DEFAULT, invalid.get("body"), invalid.toString());
        assertEquals("hop2; details=\"invalid geohash\"", invalid.get("proxy-status"), invalid.toString());

        // ferry tunnel's own --geohash goes to the last relay only, and that relay keeps it.
        int tcpPort = localPort();
        BackgroundProcess geoTunnel = tunnel(net.client, "tunnel-tcp-geohash", "tcp", tcpPort,
                ORIGIN_NAME + ":" + ORIGIN_HTTP_PORT, HOP1, HOP1_TOKEN, HOP2, HOP2_TOKEN, "--geohash", "u33d");
        ProcessRunner.Result curl = run(net.client, "curl-geohash", List.of("curl", "-sS",
                "http://127.0.0.1:" + tcpPort + "/whoami"));
        stop(geoTunnel);
        assertEquals(HOP2_EGRESS_BERLIN, curl.stdoutText().trim(), curl.stderrText() + geoTunnel.logText());
    }

    @Test
    @Order(7)
    void hopOneRefusesATargetThatIsNotItsNextHop() throws Exception {
        ProcessRunner.Result get = run(net.client, "get-not-a-next-hop", ferry("get", "-k",
                "--via", HOP1, "--token", HOP1_TOKEN, "https://" + HOP2_FRONT + ":" + NOT_A_NEXT_HOP_PORT + "/"));
        assertNotEquals(0, get.exitCode());
        assertTrue(get.stderrText().contains("403"), get.stderrText());
    }

    @Test
    @Order(8)
    void hopTwoRefusesAConnectionFromOutsideItsSourceNetworks() throws Exception {
        // The origin's namespace is the one place besides hop1 with a route to hop2.
        Map<String, String> answer = kwikConnect(net.origin, HOP2_EGRESS_DEFAULT, HOP2_PORT,
                ORIGIN_NAME + ":" + ORIGIN_HTTP_PORT, "/whoami?from-outside", Map.of("proxy-authorization",
                        "Bearer " + HOP2_TOKEN));
        assertEquals("403", answer.get("status"), answer.toString());
        assertFalse(Files.readString(parties.nginxAccessLog).contains("from-outside"),
                "the refused tunnel reached the origin");
    }

    @Test
    @Order(9)
    void eachHopWantsItsOwnToken() throws Exception {
        ProcessRunner.Result noHop2Token = run(net.client, "get-no-hop2-token", ferry("get", "-k",
                "--via", HOP1, "--token", HOP1_TOKEN, "--via", HOP2,
                "https://" + ORIGIN_NAME + ":" + PORT_BEHIND_HOP2_REFUSAL + "/"));
        assertNotEquals(0, noHop2Token.exitCode());
        assertTrue(noHop2Token.stderrText().contains("407"), noHop2Token.stderrText());
        ProcessRunner.Result noHop1Token = run(net.client, "get-no-hop1-token", ferry("get", "-k",
                "--via", HOP1, "--token", "not-the-hop1-token", "--via", HOP2, "--token", HOP2_TOKEN,
                "https://" + ORIGIN_NAME + ":" + PORT_BEHIND_HOP1_REFUSAL + "/"));
        assertNotEquals(0, noHop1Token.exitCode());
        assertTrue(noHop1Token.stderrText().contains("407"), noHop1Token.stderrText());
    }

    @Test
    @Order(90)
    void eachPartyLearnedOnlyWhatItsRoleAllows() throws Exception {
        parties.hop1Capture.stop();
        parties.hop2Capture.stop();
        parties.originCapture.stop();
        String plan = PrivacyParties.addressPlan();

        // Hop1 saw the client and hop2, nothing of the origin: not in a header, not in a payload.
        assertEquals(new TreeSet<>(Set.of(CLIENT, HOP1_FRONT, HOP1_BACK, HOP2_FRONT)),
                parties.hop1Capture.addresses(), plan);
        assertFalse(parties.hop1Capture.contains(ORIGIN_NAME), "the origin's name in hop1's capture");
        assertFalse(parties.hop1Capture.contains(ORIGIN), "the origin's address in hop1's capture");
        // What hop1 read, decrypted with its own TLS secrets: CONNECT-UDP to hop2, and the one refused attempt.
        Set<String> targets = new TreeSet<>();
        int heads = 0;
        for (List<Map.Entry<String, String>> head : parties.hop1Capture.decryptedRequestHeads(parties.hop1Keylog,
                HOP1_PORT)) {
            heads++;
            Map<String, String> fields = new LinkedHashMap<>();
            head.forEach(f -> fields.putIfAbsent(f.getKey(), f.getValue()));
            assertEquals("CONNECT", fields.get(":method"), head.toString());
            assertEquals("connect-udp", fields.get(":protocol"), head.toString());
            targets.add(fields.get(":path"));
            head.forEach(f -> assertFalse(f.getValue().contains(ORIGIN_NAME) || f.getValue().contains(ORIGIN),
                    "hop1 read the origin in " + head));
        }
        assertTrue(heads >= 8, "decrypted only " + heads + " request heads from hop1's capture");
        assertEquals(new TreeSet<>(Set.of("/.well-known/masque/udp/" + HOP2_FRONT + "/" + HOP2_PORT + "/",
                "/.well-known/masque/udp/" + HOP2_FRONT + "/" + NOT_A_NEXT_HOP_PORT + "/")), targets);
        assertFalse(parties.hop1Capture.packetsMatching("udp.dstport == " + NOT_A_NEXT_HOP_PORT) > 0,
                "hop1 sent to a target that is not its next hop");

        // Hop2 saw hop1 (and the refused source from the origin's side), never the client.
        assertEquals(new TreeSet<>(Set.of(HOP1_BACK, ORIGIN)), parties.hop2Capture.sourcesTowardsUdpPort(HOP2_PORT),
                plan);
        assertFalse(parties.hop2Capture.addresses().contains(CLIENT), "the client's address in hop2's capture");
        assertFalse(parties.hop2Capture.contains(CLIENT), "the client's address in a payload at hop2");
        assertFalse(Files.readString(parties.hop2AccessLog).contains(CLIENT), "the client's address in hop2's log");
        for (String line : Files.readAllLines(parties.hop2AccessLog)) {
            // A client reaches hop2 through a local socket of its own; the requests must still name hop2 itself.
            if (line.contains("\"path\":\"/.well-known/masque/udp/")) {
                assertTrue(line.contains("\"authority\":\"" + HOP2_FRONT + ":" + HOP2_PORT + "\""), line);
            }
        }

        // The origin saw hop2's egress addresses only, and no field naming anyone.
        assertEquals(new TreeSet<>(Set.of(ORIGIN, HOP2_EGRESS_DEFAULT, HOP2_EGRESS_BERLIN)),
                parties.originCapture.addresses(), plan);
        assertEquals(0, parties.originCapture.packetsMatching("udp.dstport == " + PORT_BEHIND_HOP1_REFUSAL
                + " || udp.dstport == " + PORT_BEHIND_HOP2_REFUSAL), "a refused client's tunnel reached the origin");
        List<String> nginx = Files.readAllLines(parties.nginxAccessLog);
        assertTrue(nginx.size() >= 5, nginx.toString());
        for (String line : nginx) {
            String peer = line.substring(0, line.indexOf(' '));
            assertTrue(peer.equals(HOP2_EGRESS_DEFAULT) || peer.equals(HOP2_EGRESS_BERLIN), line);
            assertTrue(line.endsWith("fwd=\"-\" xff=\"-\" via=\"-\" real=\"-\" geo=\"-\" client=\"-\""), line);
        }
        String gtlsserver = Files.readString(parties.gtlsserverLog, StandardCharsets.ISO_8859_1);
        for (String who : List.of(CLIENT, HOP1_FRONT, HOP1_BACK, HOP2_FRONT, "hop1", "hop2")) {
            assertFalse(gtlsserver.contains(who), "gtlsserver's log names " + who);
        }
        assertTrue(gtlsserver.contains("remote=[" + HOP2_EGRESS_DEFAULT + "]"), "gtlsserver saw no packet from hop2");
        assertTrue(gtlsserver.contains("[:path: /one-mib.bin]"), "gtlsserver logged no request head");
        assertFalse(gtlsserver.toLowerCase(Locale.ROOT).contains("sec-ch-geohash"), "the hint reached the origin");
    }

    @Test
    @Order(100)
    void transferRatesThroughNoneOneAndTwoHops() throws Exception {
        double direct = fetchTenMib(net.hop2, -1, "gtlsclient-direct");
        int onePort = localPort();
        BackgroundProcess one = tunnel(net.hop1, "tunnel-udp-one-hop", "udp", onePort,
                ORIGIN_NAME + ":" + ORIGIN_H3_PORT, HOP2, HOP2_TOKEN);
        double oneHop = fetchTenMib(net.hop1, onePort, "gtlsclient-one-hop");
        stop(one);
        levels.put("one hop, gtlsclient", tunnelSummary(one));
        int twoPort = localPort();
        BackgroundProcess two = tunnel(net.client, "tunnel-udp-two-hops-timed", "udp", twoPort,
                ORIGIN_NAME + ":" + ORIGIN_H3_PORT, HOP1, HOP1_TOKEN, HOP2, HOP2_TOKEN);
        double twoHops = fetchTenMib(net.client, twoPort, "gtlsclient-two-hops-timed");
        stop(two);
        levels.put("two hops, gtlsclient, timed", tunnelSummary(two));
        System.out.printf(Locale.ROOT, "[two-hop-privacy] 10 MiB HTTP/3 gtlsclient -> gtlsserver: direct %.1f MB/s,"
                        + " one hop %.1f MB/s (%.2f of direct), two hops %.1f MB/s (%.2f of direct); %s%n",
                TEN_MIB / direct / 1e6, TEN_MIB / oneHop / 1e6, direct / oneHop, TEN_MIB / twoHops / 1e6,
                direct / twoHops, String.join("; ", rates));
        levels.forEach((run, summary) -> System.out.println("[two-hop-privacy] " + run + ": " + summary));
    }

    /** gtlsclient fetches the 10 MiB file in {@code namespace}, through a local tunnel port or (-1) directly. */
    private double fetchTenMib(String namespace, int port, String name) throws Exception {
        String host = port < 0 ? ORIGIN : "127.0.0.1";
        int to = port < 0 ? ORIGIN_H3_PORT : port;
        String uri = "https://" + ORIGIN_NAME + ":" + ORIGIN_H3_PORT + "/ten-mib.bin";
        long start = System.nanoTime();
        GtlsClient.Result result = GtlsClient.connect(host, to).inNamespace(namespace).sni(ORIGIN_NAME).quiet()
                .timeout(RUN).fetch(Files.createDirectories(work.resolve(name)), uri);
        double seconds = (System.nanoTime() - start) / 1e9;
        Path downloaded = result.download(uri).orElseThrow(() -> new AssertionError(name + " downloaded nothing:\n"
                + result.stderr()));
        assertEquals(Hashes.sha256(tenMib), Hashes.sha256(downloaded), name);
        return seconds;
    }

    /**
     * {@code ferry tunnel KIND} in {@code namespace} on 127.0.0.1:{@code port} to {@code target}, through the
     * relays given as URL and token pairs; any arguments after them are passed on.
     */
    private BackgroundProcess tunnel(String namespace, String name, String kind, int port, String target,
                                     String... relaysThenOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of("tunnel", kind, "-k", "--target", target, "--listen",
                "127.0.0.1:" + port));
        int i = 0;
        for (; i + 1 < relaysThenOptions.length && relaysThenOptions[i].startsWith("https://"); i += 2) {
            args.addAll(List.of("--via", relaysThenOptions[i], "--token", relaysThenOptions[i + 1]));
        }
        for (; i < relaysThenOptions.length; i++) {
            args.add(relaysThenOptions[i]);
        }
        return parties.startAndAwait(namespace, name, ferry(args.toArray(String[]::new)),
                "ferry tunnel: " + kind + " 127.0.0.1:" + port);
    }

    /** Stops a tunnel as Ctrl-C would and waits for the totals it prints on the way out. */
    private static void stop(BackgroundProcess tunnel) throws Exception {
        tunnel.terminate(Duration.ofSeconds(10));
    }

    private static final Pattern TOTALS = Pattern.compile("ferry tunnel: ((tunnel \\d of the chain|datagrams) .*)");

    /** The datagram and capsule counts a stopped {@code ferry tunnel udp} printed, one level per line. */
    private static String tunnelSummary(BackgroundProcess tunnel) {
        List<String> lines = new ArrayList<>();
        Matcher m = TOTALS.matcher(tunnel.logText());
        while (m.find()) {
            lines.add(m.group(1));
        }
        return String.join(" | ", lines);
    }

    /** kwik, run in {@code namespace}, opens CONNECT to the origin's clear port through a local tunnel to hop2. */
    private Map<String, String> kwikConnect(String namespace, int port, String path, Map<String, String> fields)
            throws Exception {
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put("proxy-authorization", "Bearer " + HOP2_TOKEN);
        return kwikConnect(namespace, "127.0.0.1", port, ORIGIN_NAME + ":" + ORIGIN_HTTP_PORT, path, all);
    }

    private Map<String, String> kwikConnect(String namespace, String host, int port, String target, String path,
                                            Map<String, String> fields) throws Exception {
        List<String> args = new ArrayList<>(List.of(host, Integer.toString(port), target, path));
        fields.forEach((k, v) -> args.add(k + "=" + v));
        ProcessRunner.Result run = run(namespace, "kwik-" + kwikRuns++,
                PrivacyParties.java("dev.ferry.interop.tunnel.KwikConnectCommand", args));
        assertEquals(0, run.exitCode(), run.stdoutText() + run.stderrText());
        Map<String, String> answer = new LinkedHashMap<>();
        run.stdoutText().lines().forEach(line -> {
            int space = line.indexOf(' ');
            if (space > 0) {
                answer.put(line.substring(0, space), line.substring(space + 1));
            }
        });
        return answer;
    }

    /** Runs {@code command} in {@code namespace} to its end; its output is in the work directory under {@code name}. */
    private ProcessRunner.Result run(String namespace, String name, List<String> command) {
        return ProcessRunner.run(NetworkNamespaces.inside(namespace, command), work, name, RUN);
    }

    private int localPort() {
        return localPorts++;
    }
}
