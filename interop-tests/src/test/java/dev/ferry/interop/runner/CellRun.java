package dev.ferry.interop.runner;

import dev.ferry.interop.support.BackgroundProcess;
import dev.ferry.interop.support.Hashes;
import dev.ferry.interop.support.NetworkNamespaces;
import dev.ferry.interop.support.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one case for one server and one client on a {@link RunnerTopology}, and grades it as the interop runner
 * does: the client's exit code (127: the case is not supported), every file downloaded byte for byte, and the
 * case's checks on a capture taken in the simulator on the server's link ({@link TraceChecks}). Everything it
 * makes stays in the case's directory: files, downloads, logs, key logs and the capture.
 */
final class CellRun {
    /** The runner's default time for a client run ({@code TestCase.timeout()}). */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SERVER_START = Duration.ofSeconds(30);
    private static final int PORT = 443;
    /** The runner's amplificationlimit chain: {@code generate_cert_chain(9)}. */
    private static final int AMPLIFICATION_CHAIN_LENGTH = 9;

    private final RunnerTopology net;
    private final Path certs;
    private final double scale;
    private final double measurementScale;

    CellRun(RunnerTopology net, Path certs, double scale) {
        this(net, certs, scale, scale);
    }

    /** With the measurements' files (goodput, crosstraffic) at a scale of their own. */
    CellRun(RunnerTopology net, Path certs, double scale, double measurementScale) {
        this.net = net;
        this.certs = certs;
        this.scale = scale;
        this.measurementScale = measurementScale;
    }

    CellResult run(Implementation server, Implementation client, String testCase, Path dir) throws Exception {
        return run(server, client, testCase, testCase, dir);
    }

    /**
     * As {@link #run(Implementation, Implementation, String, Path)}, with the server told another case than the
     * one graded: a deliberately broken endpoint, to prove that the grading fails what it should.
     */
    CellResult run(Implementation server, Implementation client, String testCase, String serverCase, Path dir)
            throws Exception {
        String reason = server.notApplicableAsServer(testCase);
        if (reason == null) {
            reason = client.notApplicableAsClient(testCase);
        }
        if (reason != null) {
            return result(server, client, testCase, CellResult.Outcome.NOT_RUN, reason);
        }
        Implementation.Dirs dirs = dirs(dir, testCase);
        List<Path> files = CaseFiles.create(dirs.www(), CaseFiles.sizes(testCase,
                MEASUREMENTS.contains(testCase) ? measurementScale : scale), testCase.hashCode());
        String host = testCase.equals("ipv6") ? "[" + RunnerTopology.SERVER_ADDRESS_6 + "]"
                : RunnerTopology.SERVER_ADDRESS;
        List<String> urls = files.stream().map(f -> "https://" + host + ":" + PORT + "/" + f.getFileName()).toList();
        Path pcap = dir.resolve("server-side.pcap");
        try (BackgroundProcess capture = capture(pcap, net.simServerSide, dir, "tcpdump");
             BackgroundProcess clientCapture = capture(dir.resolve("client-side.pcap"), net.simClientSide, dir,
                     "tcpdump-client");
             BackgroundProcess serverProcess = BackgroundProcess.start(
                     NetworkNamespaces.inside(net.server, server.server(serverCase(serverCase), dirs)), dir,
                     "server")) {
            String started = awaitServer(serverProcess, dir);
            if (started != null) {
                boolean unsupported = !serverProcess.isAlive() && serverProcess.exitCode() == 127;
                return result(server, client, testCase, unsupported ? CellResult.Outcome.UNSUPPORTED
                        : CellResult.Outcome.FAIL, "server: " + started);
            }
            // Asked first, as the runner asks: a server that sits the case out makes the cell a 127 with its reason.
            String cannotPlay = SimScenario.cannotPlay(testCase);
            if (cannotPlay != null) {
                return result(server, client, testCase, CellResult.Outcome.NOT_RUN, cannotPlay);
            }
            long start = System.nanoTime();
            List<List<String>> commands = client.client(endpointCase(testCase), dirs, urls);
            // The network's scenario (loss, corruption, blackhole) holds while the client runs.
            SimScenario scenario = SimScenario.start(net, testCase, scale);
            try (scenario; CrossTraffic competitor = testCase.equals("crosstraffic")
                    ? CrossTraffic.start(net, dir) : null) {
                for (int i = 0; i < commands.size(); i++) {
                    ProcessRunner.Result run = ProcessRunner.run(NetworkNamespaces.inside(net.client,
                            commands.get(i)), dir, "client" + (commands.size() > 1 ? "-" + i : ""),
                            clientTimeout(testCase));
                    if (run.timedOut()) {
                        return result(server, client, testCase, CellResult.Outcome.FAIL, "client: no end within "
                                + clientTimeout(testCase).toSeconds() + " s");
                    }
                    if (client.exitCodeMeansSomething() && run.exitCode() != 0) {
                        return result(server, client, testCase, run.exitCode() == 127
                                ? CellResult.Outcome.UNSUPPORTED : CellResult.Outcome.FAIL, "client exited "
                                + run.exitCode() + ": " + lastLine(run.stderrText()));
                    }
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            serverProcess.terminate(Duration.ofSeconds(3));
            capture.terminate(Duration.ofSeconds(5));
            clientCapture.terminate(Duration.ofSeconds(5));

            List<String> failures = new ArrayList<>(missingFiles(files, dirs.downloads()));
            String note = "";
            if (scenario.acts()) {
                String acted = scenario.description() + ": " + scenario.acted() + " of " + scenario.seen()
                        + " packets " + scenario.verb();
                Files.writeString(dir.resolve("scenario.txt"), acted + "\n");
                note = acted;
                if (scenario.acted() <= 0) {
                    // The client finished before the network did anything: the case proved nothing.
                    failures.add("the scenario never acted (" + acted + ")");
                }
            }
            if (failures.isEmpty() && testCase.equals("ipv6")) {
                failures.addAll(onlyIpv6(pcap, dir));
            }
            Path keys = mergedKeys(dirs, dir);
            if (failures.isEmpty() && testCase.startsWith("rebind-")) {
                PathCheck paths = newPathsChallenged(pcap, keys, dir);
                long inQlog = paths.unchallenged() > 0
                        ? QlogEvidence.pathChallengesSent(dirs.serverLogs().resolve("qlog")) : 0;
                if (paths.unchallenged() > 0 && inQlog >= paths.newPaths()) {
                    note = (note.isEmpty() ? "" : note + "; ") + "PATH_CHALLENGEs read from the server's qlog ("
                            + inQlog + " sent for " + paths.newPaths() + " new paths): tshark could not follow"
                            + " the client to its new paths";
                } else {
                    failures.addAll(paths.failures());
                }
            }
            if (failures.isEmpty()) {
                try {
                    Trace trace = TraceReader.read(pcap, keys, PORT);
                    List<String> traceFailures = TraceChecks.failures(testCase, trace, files.size());
                    if (clientKeyUpdateFromQlog(testCase, trace, traceFailures, dirs)) {
                        note = (note.isEmpty() ? "" : note + "; ") + "the client's key update read from its qlog:"
                                + " tshark decrypted " + (trace.fromClient().keyPhase0() + trace.fromClient()
                                .keyPhase1()) + " of its " + trace.fromClient().oneRtt() + " 1-RTT packets";
                        traceFailures = List.of();
                    }
                    failures.addAll(traceFailures);
                } catch (IllegalArgumentException noRules) {
                    // A case whose capture checks are not written yet is graded by its files alone, and says so.
                    note = (note.isEmpty() ? "" : note + "; ") + "graded by files only: " + noRules.getMessage();
                }
            }
            if (!failures.isEmpty()) {
                return result(server, client, testCase, CellResult.Outcome.FAIL, CellResult.joined(failures));
            }
            long bytes = 0;
            for (Path f : files) {
                bytes += Files.size(f);
            }
            if (MEASUREMENTS.contains(testCase)) {
                // As the runner measures: from the server's first 1-RTT packet to its last, in the capture.
                millis = serverOneRttMillis(pcap, dir);
                if (millis <= 0) {
                    return result(server, client, testCase, CellResult.Outcome.FAIL,
                            "no span of server 1-RTT packets in the capture to measure");
                }
            }
            long kbps = millis == 0 ? 0 : bytes * 8 / millis;
            return new CellResult(server.label(), client.label(), testCase, CellResult.Outcome.PASS, note, millis,
                    kbps);
        }
    }

    /**
     * Whether a keyupdate cell that failed only for want of the client's key phases in the capture has them in the
     * client's qlog instead ({@link QlogEvidence}), the server having answered in phase 1 in the capture.
     */
    private static boolean clientKeyUpdateFromQlog(String testCase, Trace trace, List<String> traceFailures,
                                                   Implementation.Dirs dirs) throws IOException {
        return testCase.equals("keyupdate") && traceFailures.size() == 1
                && traceFailures.get(0).startsWith("expected 1-RTT packets with key phase 1")
                && trace.fromClient().keyPhase1() == 0 && trace.fromServer().keyPhase1() > 0
                && QlogEvidence.clientStartedKeyUpdate(dirs.clientLogs().resolve("qlog"));
    }

    /**
     * Runs a measurement case {@code repetitions} times (each in {@code dir/run-N}, with fresh endpoints) and
     * reports the mean goodput, as the runner reports its measurements: the first failed run fails the cell.
     */
    CellResult measure(Implementation server, Implementation client, String testCase, Path dir, int repetitions)
            throws Exception {
        List<Long> kbps = new ArrayList<>();
        long millis = 0;
        for (int i = 1; i <= repetitions; i++) {
            CellResult one = run(server, client, testCase, Files.createDirectories(dir.resolve("run-" + i)));
            if (one.outcome() != CellResult.Outcome.PASS) {
                return new CellResult(one.server(), one.client(), one.testCase(), one.outcome(),
                        (one.outcome() == CellResult.Outcome.FAIL ? "run " + i + " of " + repetitions + ": " : "")
                                + one.detail(), one.millis(), 0);
            }
            kbps.add(one.goodputKbps());
            millis += one.millis();
        }
        double mean = kbps.stream().mapToLong(Long::longValue).average().orElse(0);
        double sd = Math.sqrt(kbps.stream().mapToDouble(k -> (k - mean) * (k - mean)).sum()
                / Math.max(1, kbps.size() - 1));
        return new CellResult(server.label(), client.label(), testCase, CellResult.Outcome.PASS,
                String.format(java.util.Locale.ROOT, "%d runs: mean %.0f kbit/s, standard deviation %.0f; each %s",
                        repetitions, mean, sd, kbps), millis / repetitions, Math.round(mean));
    }

    /** The runner's measurements: repeated, and timed from the capture. */
    static final java.util.Set<String> MEASUREMENTS = java.util.Set.of("goodput", "crosstraffic");

    /** Milliseconds from the server's first 1-RTT (short header) packet to its last, or -1 without two. */
    private static long serverOneRttMillis(Path pcap, Path dir) throws Exception {
        ProcessRunner.Result r = ProcessRunner.run(List.of("tshark", "-n", "-r", pcap.toString(), "-d",
                "udp.port==" + PORT + ",quic", "-Y", "udp.srcport==" + PORT + " && quic.header_form==0", "-T",
                "fields", "-e", "frame.time_epoch"), dir, "tshark-goodput", Duration.ofSeconds(120));
        List<Double> times = java.util.Arrays.stream(r.stdoutText().split("\n")).map(String::strip)
                .filter(l -> !l.isEmpty()).map(l -> Double.parseDouble(l.split(",")[0])).toList();
        if (times.size() < 2) {
            return -1;
        }
        return Math.round((times.get(times.size() - 1) - times.get(0)) * 1000);
    }

    /** How long a client may run, as the runner's {@code timeout()} of each case gives it. */
    static Duration clientTimeout(String testCase) {
        return switch (testCase) {
            case "handshakeloss", "handshakecorruption" -> Duration.ofSeconds(300);
            case "crosstraffic" -> Duration.ofSeconds(180);
            default -> CLIENT_TIMEOUT;
        };
    }

    /**
     * The case name the server is told: as {@link #endpointCase}, but {@code transfer} for {@code keyupdate}, as the
     * runner's {@code testname(Perspective.SERVER)}: the client starts the update, the server just transfers.
     */
    static String serverCase(String testCase) {
        return testCase.equals("keyupdate") ? "transfer" : endpointCase(testCase);
    }

    /**
     * The case name the endpoints are told, as the runner's {@code testname()}: the network scenarios are the
     * simulator's business, so their endpoints just transfer, or connect once per file.
     */
    static String endpointCase(String testCase) {
        return switch (testCase) {
            case "handshakeloss", "handshakecorruption" -> "multiconnect";
            case "longrtt" -> "handshake";
            case "multiplexing", "amplificationlimit", "transferloss", "transfercorruption", "blackhole", "goodput",
                    "crosstraffic", "ipv6", "rebind-port", "rebind-addr" -> "transfer";
            default -> testCase;
        };
    }

    private Implementation.Dirs dirs(Path dir, String testCase) throws IOException {
        Path caseCerts = Files.createDirectories(dir.resolve("certs"));
        if (testCase.equals("amplificationlimit")) {
            CertChain.write(caseCerts, AMPLIFICATION_CHAIN_LENGTH, 3072, List.of("server"),
                    List.of(RunnerTopology.SERVER_ADDRESS, RunnerTopology.SERVER_ADDRESS_6));
        } else {
            for (String name : List.of("cert.pem", "priv.key")) {
                Files.copy(certs.resolve(name), caseCerts.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Implementation.Dirs dirs = new Implementation.Dirs(dir.resolve("www"), caseCerts,
                Files.createDirectories(dir.resolve("downloads")),
                Files.createDirectories(dir.resolve("server-logs")),
                Files.createDirectories(dir.resolve("client-logs")));
        Files.createDirectories(dirs.serverLogs().resolve("qlog"));
        Files.createDirectories(dirs.clientLogs().resolve("qlog"));
        return dirs;
    }

    /**
     * tcpdump in the simulator on one of its links, running when this returns. Both sides are captured, as the
     * runner does; the server's side is the one graded (what the server sent, before the simulator's losses).
     */
    private BackgroundProcess capture(Path pcap, String device, Path dir, String name) {
        BackgroundProcess tcpdump = BackgroundProcess.start(NetworkNamespaces.inside(net.sim, List.of("tcpdump",
                // A 64 MiB buffer: the default 2 MiB dropped thousands of packets of a 5 MB transfer.
                "-i", device, "-n", "-U", "--immediate-mode", "-B", "65536", "-s", "0", "-w",
                pcap.toString(), "udp")),
                dir, name);
        tcpdump.awaitOutput("listening on", Duration.ofSeconds(10));
        return tcpdump;
    }

    /** Waits for the server's UDP socket; null once bound, else what went wrong. */
    private String awaitServer(BackgroundProcess server, Path dir) throws Exception {
        long deadline = System.nanoTime() + SERVER_START.toNanos();
        while (System.nanoTime() < deadline) {
            ProcessRunner.Result ss = ProcessRunner.run(NetworkNamespaces.inside(net.server,
                    List.of("ss", "-Huln", "sport = :" + PORT)), dir, "ss", Duration.ofSeconds(5));
            if (!ss.stdoutText().isBlank()) {
                return null;
            }
            if (!server.isAlive()) {
                return "exited " + server.exitCode() + ": " + lastLine(server.logText());
            }
            Thread.sleep(50);
        }
        return "not listening on UDP " + PORT + " after " + SERVER_START.toSeconds() + " s";
    }

    /**
     * The rebinding cases' check, as the runner's: every client address and port the server saw after the first
     * got a PATH_CHALLENGE from the server (RFC 9000 9.3: a peer's new address is validated before much is sent to
     * it).
     */
    private static PathCheck newPathsChallenged(Path pcap, Path keys, Path dir) throws Exception {
        List<String> paths = tupleLines(pcap, keys, dir, "udp.dstport==" + PORT, "ip.src", "udp.srcport", "paths");
        java.util.Set<String> challenged = new java.util.HashSet<>(tupleLines(pcap, keys, dir, "udp.srcport=="
                + PORT + " && quic.frame_type==0x1a", "ip.dst", "udp.dstport", "challenges"));
        List<String> newPaths = paths.stream().distinct().skip(1).toList();
        if (newPaths.isEmpty()) {
            return new PathCheck(0, 0, List.of("the server never saw the client on a new path"));
        }
        List<String> unchallenged = newPaths.stream().filter(p -> !challenged.contains(p)).toList();
        if (!unchallenged.isEmpty()) {
            return new PathCheck(newPaths.size(), unchallenged.size(), List.of("no PATH_CHALLENGE from the server to "
                    + unchallenged.size() + " of " + newPaths.size() + " new client paths: "
                    + String.join(", ", unchallenged)));
        }
        return new PathCheck(newPaths.size(), 0, List.of());
    }

    /** The rebinding check's verdict on the capture: new client paths, those without a challenge, failures. */
    private record PathCheck(int newPaths, int unchallenged, List<String> failures) {
    }

    /** "address port" of each QUIC datagram matching {@code filter}, in capture order. */
    private static List<String> tupleLines(Path pcap, Path keys, Path dir, String filter, String addressField,
                                           String portField, String log) throws Exception {
        ProcessRunner.Result r = ProcessRunner.run(List.of("tshark", "-n", "-r", pcap.toString(), "-o",
                "tls.keylog_file:" + keys, "-d", "udp.port==" + PORT + ",quic", "-Y", filter, "-T", "fields",
                "-e", addressField, "-e", portField), dir, "tshark-" + log, Duration.ofSeconds(120));
        return java.util.Arrays.stream(r.stdoutText().split("\n")).map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> l.replace('\t', ' ')).toList();
    }

    /** The ipv6 case's check: every QUIC datagram in the capture went over IPv6. */
    private static List<String> onlyIpv6(Path pcap, Path dir) throws Exception {
        ProcessRunner.Result versions = ProcessRunner.run(List.of("tshark", "-n", "-r", pcap.toString(), "-Y",
                "udp.port==" + PORT, "-T", "fields", "-e", "ip.version", "-e", "ipv6.version"), dir, "tshark-ip",
                Duration.ofSeconds(60));
        long v4 = 0;
        long v6 = 0;
        for (String line : versions.stdoutText().split("\n")) {
            if (line.startsWith("4")) {
                v4++;
            } else if (line.contains("6")) {
                v6++;
            }
        }
        if (v4 > 0 || v6 == 0) {
            return List.of("expected only IPv6 datagrams, found " + v4 + " over IPv4 and " + v6 + " over IPv6");
        }
        return List.of();
    }

    private static List<String> missingFiles(List<Path> served, Path downloads) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : served) {
            Path got = downloads.resolve(file.getFileName());
            if (!Files.isRegularFile(got)) {
                problems.add(file.getFileName() + " not downloaded");
            } else if (Files.size(got) != Files.size(file)) {
                problems.add(file.getFileName() + ": " + Files.size(got) + " bytes of " + Files.size(file));
            } else if (!Hashes.sha256(got).equals(Hashes.sha256(file))) {
                problems.add(file.getFileName() + ": bytes differ");
            }
        }
        return problems;
    }

    /** Both sides' TLS secrets in one NSS key log, for tshark. */
    private static Path mergedKeys(Implementation.Dirs dirs, Path dir) throws IOException {
        Path merged = dir.resolve("keys.log");
        StringBuilder all = new StringBuilder();
        for (Path keys : List.of(dirs.serverKeys(), dirs.clientKeys())) {
            if (Files.isRegularFile(keys)) {
                all.append(Files.readString(keys, java.nio.charset.StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        Files.writeString(merged, all, java.nio.charset.StandardCharsets.ISO_8859_1);
        return merged;
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }

    private static CellResult result(Implementation server, Implementation client, String testCase,
                                     CellResult.Outcome outcome, String detail) {
        return CellResult.of(server.label(), client.label(), testCase, outcome, detail);
    }
}
