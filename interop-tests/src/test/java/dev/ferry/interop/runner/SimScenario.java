package dev.ferry.interop.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The interop runner's network scenarios that this kernel can play without {@code netem}: its drop-rate,
 * corrupt-rate and blackhole simulators, as nftables rules in the simulator namespace's forward path (the kernel has
 * nf_tables with {@code numgen}, but neither {@code netem} nor NFQUEUE for nftables), and its long-RTT delay with a
 * user-space {@link DelayLine} that nftables' DNAT hands the packets to.
 *
 * <ul>
 *   <li><b>drop-rate</b> (handshakeloss 30%, transferloss 2%, each direction): {@code numgen random} picks the
 *       packets to drop.</li>
 *   <li><b>corrupt-rate</b> (handshakecorruption 30%, transfercorruption 2%): two bytes of the UDP payload,
 *       30 bytes in, are flipped ({@code xor 0xffff}); nftables fixes the UDP checksum, so the packet arrives and
 *       fails QUIC's packet authentication (30 bytes is past a short header with a 20-byte connection ID, and
 *       inside the authenticated header or payload of a long one). Packets shorter than that pass intact, where
 *       the runner's simulator corrupts any packet.</li>
 *   <li><b>blackhole</b>: every packet both ways is dropped for {@code off} after each {@code on} of working link,
 *       as the runner's {@code --on=5s --off=2s}; 1.5 s and 0.6 s when the files are scaled down, so that holes
 *       fall inside the transfer of the (at least 4 MB) file.</li>
 * </ul>
 *
 * <p>Two named counters tell what the scenario did: {@code seen}, every UDP packet forwarded, and {@code acted},
 * those it dropped or corrupted. A scenario that never acted proves nothing, and {@link CellRun} fails its cell.
 */
final class SimScenario implements AutoCloseable {
    private static final String TABLE = "ferry_sim";
    /** Where corruption hits: bytes into the UDP payload. */
    private static final int CORRUPT_AT_PAYLOAD_BYTE = 30;
    private static final Pattern PACKETS = Pattern.compile("packets (\\d+)");
    /** The runner's simple-p2p link: {@code --delay=15ms} each way. */
    private static final long SIMPLE_P2P_ONE_WAY_MILLIS = 15;
    /** The runner's longrtt: {@code simple-p2p --delay=750ms}, each way, so a round trip of 1.5 s. */
    private static final long LONG_RTT_ONE_WAY_MILLIS = 750;
    /** Where the delay line listens in the simulator, on its client-side address. */
    private static final int DELAY_LINE_PORT = 10443;

    private final RunnerTopology net;
    private final String description;
    /** What the scenario does to the packets it acts on: dropped, corrupted, rewritten. */
    private String verb = "dropped";
    private ScheduledExecutorService timeline;
    private dev.ferry.interop.support.BackgroundProcess delayLine;
    private long seen = -1;
    private long acted = -1;

    private SimScenario(RunnerTopology net, String description) {
        this.net = net;
        this.description = description;
    }

    /** What the scenario does, for the case's log: "drop-rate 30% each way", or "simple-p2p". */
    String description() {
        return description;
    }

    /** What it did to a packet it acted on, for "12 of 340 packets dropped". */
    String verb() {
        return verb;
    }

    /** Whether this scenario changes the link at all (simple-p2p does not). */
    boolean acts() {
        return !description.equals("simple-p2p");
    }

    /** UDP packets forwarded while the scenario held; -1 before {@link #close()} or for simple-p2p. */
    long seen() {
        return seen;
    }

    /** Packets it dropped or corrupted; -1 before {@link #close()} or for simple-p2p. */
    long acted() {
        return acted;
    }

    /**
     * Why {@code testCase}'s network cannot be played here, or null when it can. Asked once the server has taken
     * the case: a server that sits it out gives the cell its 127 first.
     */
    static String cannotPlay(String testCase) {
        return switch (testCase) {
            case "connectionmigration" -> "the simulator here gives the server no second address to offer as its"
                    + " preferred_address";
            default -> null;
        };
    }

    /**
     * Starts {@code testCase}'s scenario in {@code net}'s simulator (nothing for the simple-p2p cases);
     * {@link #close()} ends it. Below {@code scale} 1 the blackhole's periods shrink with the files.
     */
    static SimScenario start(RunnerTopology net, String testCase, double scale) throws IOException {
        return switch (testCase) {
            case "handshakeloss" -> drop(net, 30);
            case "transferloss" -> drop(net, 2);
            case "handshakecorruption" -> corrupt(net, 30);
            case "transfercorruption" -> corrupt(net, 2);
            // Reduced: 1.5 s up and 0.6 s down, the runner's 5:2. Not 1 s and 1 s: with a period of 2 s, a probe
            // timeout that doubles from a multiple of it fell into every hole after the first, and quic-go's
            // server timed out while the link was up half the time.
            case "blackhole" -> scale >= 1 ? blackhole(net, 5000, 2000) : blackhole(net, 1500, 600);
            case "longrtt" -> delay(net, LONG_RTT_ONE_WAY_MILLIS);
            // The runner's simple-p2p delay, for this case alone: with no delay at all the handshake can end
            // before a client has its requests ready, and they leave as 1-RTT (seen with quic-go's client, which
            // offered early data and then sent none).
            case "zerortt" -> delay(net, SIMPLE_P2P_ONE_WAY_MILLIS);
            case "rebind-port" -> rebind(net, false, scale);
            case "rebind-addr" -> rebind(net, true, scale);
            default -> new SimScenario(net, "simple-p2p");
        };
    }

    private static SimScenario drop(RunnerTopology net, int percent) throws IOException {
        SimScenario s = new SimScenario(net, "drop-rate " + percent + "% each way");
        s.table();
        for (String device : List.of(net.simClientSide, net.simServerSide)) {
            s.nft("add", "rule", "inet", TABLE, "forward", "iifname", device, "meta", "l4proto", "udp", "numgen",
                    "random", "mod", "100", "<", Integer.toString(percent), "counter", "name", "acted", "drop");
        }
        return s;
    }

    private static SimScenario corrupt(RunnerTopology net, int percent) throws IOException {
        SimScenario s = new SimScenario(net, "corrupt-rate " + percent + "% each way");
        s.verb = "corrupted";
        s.table();
        String field = "@th," + (8 + CORRUPT_AT_PAYLOAD_BYTE) * 8 + ",16";
        for (String device : List.of(net.simClientSide, net.simServerSide)) {
            s.nft("add", "rule", "inet", TABLE, "forward", "iifname", device, "meta", "l4proto", "udp",
                    "udp", "length", ">=", Integer.toString(8 + CORRUPT_AT_PAYLOAD_BYTE + 2), "numgen", "random",
                    "mod", "100", "<", Integer.toString(percent), "counter", "name", "acted", field, "set", field,
                    "^", "0xffff");
        }
        return s;
    }

    private static SimScenario blackhole(RunnerTopology net, long onMillis, long offMillis) throws IOException {
        SimScenario s = new SimScenario(net, "blackhole: " + offMillis + " ms of nothing after every " + onMillis
                + " ms");
        s.table();
        s.nft("add", "chain", "inet", TABLE, "hole");
        s.nft("add", "rule", "inet", TABLE, "forward", "jump", "hole");
        s.timeline = timeline("sim-blackhole");
        s.timeline.scheduleWithFixedDelay(() -> {
            try {
                s.nft("add", "rule", "inet", TABLE, "hole", "counter", "name", "acted", "drop");
                Thread.sleep(offMillis);
                s.nft("flush", "chain", "inet", TABLE, "hole");
            } catch (IOException | InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, onMillis, onMillis, TimeUnit.MILLISECONDS);
        return s;
    }

    /**
     * The runner's delay scenarios ({@code longrtt}, and its simple-p2p delay for {@code zerortt}) without netem:
     * a DNAT rule hands the client's packets for the server's port 443 to a {@link DelayLine} in the simulator,
     * which holds each packet {@code oneWayMillis} in each direction. Both directions are counted on the
     * simulator's input path, every packet being delayed.
     */
    private static SimScenario delay(RunnerTopology net, long oneWayMillis) throws IOException {
        SimScenario s = new SimScenario(net, "delay " + oneWayMillis + " ms each way (a user-space delay line)");
        s.verb = "delayed";
        s.table();
        s.nft("add", "chain", "inet", TABLE, "delay_in", "{ type nat hook prerouting priority -100; }");
        s.nft("add", "rule", "inet", TABLE, "delay_in", "iifname", net.simClientSide, "ip", "daddr",
                RunnerTopology.SERVER_ADDRESS, "udp", "dport", "443", "dnat", "ip", "to",
                RunnerTopology.SIM_CLIENT_SIDE + ":" + DELAY_LINE_PORT);
        // Replies leave from the delay line's socket; connection tracking gives them the server's address back.
        s.nft("add", "chain", "inet", TABLE, "delay_out", "{ type nat hook postrouting priority 100; }");
        s.nft("add", "chain", "inet", TABLE, "delay_count", "{ type filter hook input priority 0; policy accept; }");
        for (String match : List.of("udp dport " + DELAY_LINE_PORT, "ip saddr " + RunnerTopology.SERVER_ADDRESS
                + " udp sport 443")) {
            s.nft(("add rule inet " + TABLE + " delay_count " + match + " counter name seen").split(" "));
            s.nft(("add rule inet " + TABLE + " delay_count " + match + " counter name acted").split(" "));
        }
        s.delayLine = net.startInSim(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), DelayLine.class.getName(),
                RunnerTopology.SIM_CLIENT_SIDE, Integer.toString(DELAY_LINE_PORT), RunnerTopology.SIM_SERVER_SIDE,
                RunnerTopology.SERVER_ADDRESS, "443", Long.toString(oneWayMillis)), "delay-line");
        s.delayLine.awaitOutput("delay line ready", java.time.Duration.ofSeconds(20));
        return s;
    }

    /**
     * The runner's rebind scenario: the client's packets appear to come from a new source port (or, with
     * {@code address}, a new source address) after {@code --first-rebind=1s} and every {@code --rebind-freq=5s}
     * (0.5 s and 1 s at reduced sizes), as a NAT that forgot its mapping would make them. Played statelessly: the
     * client's one UDP port is read from its namespace once it has sent, and from then on the simulator rewrites
     * that port (or address) on the way to the server and back on the way to the client, with the current
     * mapping; connection tracking is off for this traffic so that no stale mapping survives a rebind. Old
     * mappings are forgotten: what the server still sends to an old one reaches no socket.
     */
    private static SimScenario rebind(RunnerTopology net, boolean address, double scale) throws IOException {
        long first = scale >= 1 ? 1000 : 500;
        long every = scale >= 1 ? 5000 : 1000;
        SimScenario s = new SimScenario(net, (address ? "rebind-addr" : "rebind-port") + ": first after " + first
                + " ms, then every " + every + " ms");
        s.verb = "rewritten to a new path";
        s.table();
        s.nft("add", "chain", "inet", TABLE, "untracked", "{ type filter hook prerouting priority -300; }");
        s.nft("add", "rule", "inet", TABLE, "untracked", "udp", "dport", "443", "notrack");
        s.nft("add", "rule", "inet", TABLE, "untracked", "udp", "sport", "443", "notrack");
        s.nft("add", "chain", "inet", TABLE, "rebind", "{ type filter hook prerouting priority -150; }");
        s.timeline = timeline("sim-rebind");
        s.timeline.execute(() -> {
            try {
                int port = -1;
                while (port < 0) {
                    Thread.sleep(50);
                    port = s.clientPort();
                }
                Thread.sleep(first);
                for (int step = 1; ; step++) {
                    s.rebindTo(address, port, step);
                    Thread.sleep(every);
                }
            } catch (IOException | InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return s;
    }

    /**
     * Maps the client's {@code port} to its {@code step}-th new port or address, forgetting the one before. One nft
     * run is one transaction: between the old mapping and the new one no packet passes unmapped, which would look
     * to the server like one more path (the client's real one) at every rebind.
     */
    private void rebindTo(boolean address, int port, int step) throws IOException {
        String client = RunnerTopology.CLIENT_ADDRESS;
        String real = Integer.toString(port);
        String rules;
        if (address) {
            String alias = "10.77.0." + (100 + step);
            rules = "add rule inet " + TABLE + " rebind ip saddr " + client + " udp sport " + real
                    + " udp dport 443 counter name acted ip saddr set " + alias + "; "
                    + "add rule inet " + TABLE + " rebind ip daddr " + alias + " udp sport 443 udp dport " + real
                    + " ip daddr set " + client;
        } else {
            String alias = Integer.toString(40000 + step);
            rules = "add rule inet " + TABLE + " rebind ip saddr " + client + " udp sport " + real
                    + " udp dport 443 counter name acted udp sport set " + alias + "; "
                    + "add rule inet " + TABLE + " rebind ip daddr " + client + " udp sport 443 udp dport " + alias
                    + " udp dport set " + real;
        }
        nft("flush chain inet " + TABLE + " rebind; " + rules);
    }

    /** The client's UDP port: its namespace runs nothing else that holds one. -1 while it has none yet. */
    private int clientPort() throws IOException {
        for (String line : net.runInClient("ss", "-Hnua").split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4) {
                String local = fields[3];
                return Integer.parseInt(local.substring(local.lastIndexOf(':') + 1));
            }
        }
        return -1;
    }

    /** A daemon thread for a scenario that changes the network as time passes. */
    private static ScheduledExecutorService timeline(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The scenario's table: the two counters, and a forward chain that counts UDP and accepts what no rule drops. */
    private void table() throws IOException {
        nft("add", "table", "inet", TABLE);
        nft("add", "counter", "inet", TABLE, "seen");
        nft("add", "counter", "inet", TABLE, "acted");
        nft("add", "chain", "inet", TABLE, "forward", "{ type filter hook forward priority 0; policy accept; }");
        nft("add", "rule", "inet", TABLE, "forward", "meta", "l4proto", "udp", "counter", "name", "seen");
    }

    private String nft(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("nft"));
        command.addAll(List.of(args));
        return net.runInSim(command.toArray(String[]::new));
    }

    private long counter(String name) throws IOException {
        Matcher m = PACKETS.matcher(nft("list", "counter", "inet", TABLE, name));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Ends the scenario, reading its counters first: the link is the simple one again. */
    @Override
    public void close() throws IOException {
        if (timeline != null) {
            timeline.shutdownNow();
            try {
                timeline.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (delayLine != null) {
            delayLine.terminate(java.time.Duration.ofSeconds(3));
        }
        if (acts()) {
            seen = counter("seen");
            acted = counter("acted");
            nft("delete", "table", "inet", TABLE);
        }
    }
}
