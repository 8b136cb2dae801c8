package dev.ferry.interop.runner;

import dev.ferry.interop.support.NetworkNamespaces;
import dev.ferry.interop.support.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The interop runner's network, in namespaces instead of containers: a client and a server, each on a link of its
 * own to a simulator namespace that routes between them, as the runner's ns-3 simulator does. Addresses are
 * private ({@code 10.77.0.0/24} and {@code fd00:77::/64} client side, {@code 10.77.100.0/24} and
 * {@code fd00:77:100::/64} server side) and exist only in these namespaces.
 *
 * <p>The simulator shapes both directions with {@code tbf} to the runner's simple-p2p bandwidth (10 Mbit/s, a
 * queue of 25 packets). The runner also adds 15 ms of delay there, and other delays in other scenarios; that takes
 * {@code netem}, which this kernel lacks ({@code tc qdisc add ... netem} answers "Specified qdisc kind is unknown"),
 * so the link here has loopback delay. Loss, corruption and blackholes are played with nftables, the long RTT with
 * a user-space {@link DelayLine} ({@link SimScenario}).
 */
final class RunnerTopology implements AutoCloseable {
    static final String CLIENT_ADDRESS = "10.77.0.100";
    static final String SERVER_ADDRESS = "10.77.100.100";
    /** The same hosts over IPv6 (unique local addresses), for the runner's ipv6 case. */
    static final String CLIENT_ADDRESS_6 = "fd00:77::100";
    static final String SERVER_ADDRESS_6 = "fd00:77:100::100";
    private static final String SIM_CLIENT_SIDE_6 = "fd00:77::1";
    private static final String SIM_SERVER_SIDE_6 = "fd00:77:100::1";
    /** The simulator's own addresses on the client's and the server's link. */
    static final String SIM_CLIENT_SIDE = "10.77.0.1";
    static final String SIM_SERVER_SIDE = "10.77.100.1";
    /** simple-p2p: 10 Mbit/s; a queue of 25 full-size packets. */
    private static final List<String> SHAPING = List.of("tbf", "rate", "10mbit", "burst", "16kb", "limit", "37500");

    private final NetworkNamespaces namespaces = new NetworkNamespaces();
    private final Path work;
    final String client;
    final String sim;
    final String server;
    /** The simulator's interfaces: towards the client, towards the server (for captures). */
    final String simClientSide;
    final String simServerSide;

    private RunnerTopology(Path work) throws IOException {
        this.work = work;
        try {
            client = namespaces.create("client");
            sim = namespaces.create("sim");
            server = namespaces.create("server");
            for (String ns : List.of(client, sim, server)) {
                // The endpoints listen on [::] (the runner's ipv6 case); IPv4 traffic reaches them through it.
                sysctl(ns, "net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0",
                        "net.ipv6.conf.lo.disable_ipv6=0");
            }
            String[] clientLink = namespaces.link(client, CLIENT_ADDRESS + "/24", sim, SIM_CLIENT_SIDE + "/24");
            String[] serverLink = namespaces.link(server, SERVER_ADDRESS + "/24", sim, SIM_SERVER_SIDE + "/24");
            simClientSide = clientLink[1];
            simServerSide = serverLink[1];
            // Endpoints send with UDP GSO; a veth passes the unsplit buffer on, and a capture would see one
            // 64 KB "datagram" of many packets that tshark cannot read whole. One segment per packet, as on a wire.
            run(client, "ip", "link", "set", "dev", clientLink[0], "gso_max_segs", "1");
            run(server, "ip", "link", "set", "dev", serverLink[0], "gso_max_segs", "1");
            run(sim, "ip", "link", "set", "dev", simClientSide, "gso_max_segs", "1");
            run(sim, "ip", "link", "set", "dev", simServerSide, "gso_max_segs", "1");
            sysctl(sim, "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
            run(client, "ip", "route", "add", "default", "via", SIM_CLIENT_SIDE);
            run(server, "ip", "route", "add", "default", "via", SIM_SERVER_SIDE);
            // IPv6 beside IPv4 on the same links; nodad, so that the addresses are usable at once.
            run(client, "ip", "-6", "addr", "add", CLIENT_ADDRESS_6 + "/64", "dev", clientLink[0], "nodad");
            run(sim, "ip", "-6", "addr", "add", SIM_CLIENT_SIDE_6 + "/64", "dev", simClientSide, "nodad");
            run(server, "ip", "-6", "addr", "add", SERVER_ADDRESS_6 + "/64", "dev", serverLink[0], "nodad");
            run(sim, "ip", "-6", "addr", "add", SIM_SERVER_SIDE_6 + "/64", "dev", simServerSide, "nodad");
            run(client, "ip", "-6", "route", "add", "default", "via", SIM_CLIENT_SIDE_6);
            run(server, "ip", "-6", "route", "add", "default", "via", SIM_SERVER_SIDE_6);
            for (String device : List.of(simClientSide, simServerSide)) {
                List<String> tc = new java.util.ArrayList<>(List.of("tc", "qdisc", "add", "dev", device, "root"));
                tc.addAll(SHAPING);
                run(sim, tc.toArray(String[]::new));
            }
        } catch (IOException | RuntimeException e) {
            namespaces.close();
            throw e;
        }
    }

    /** Builds the network; {@link #close()} removes every namespace, with whatever still runs in it. */
    static RunnerTopology create(Path work) throws IOException {
        return new RunnerTopology(work);
    }

    private void sysctl(String namespace, String... settings) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("sysctl", "-q", "-w"));
        command.addAll(List.of(settings));
        run(namespace, command.toArray(String[]::new));
    }

    /**
     * Runs {@code command} in the simulator namespace (for {@link SimScenario}) and returns its standard output;
     * fails on a non-zero exit.
     */
    String runInSim(String... command) throws IOException {
        return run(sim, command);
    }

    /** Starts a long-running program in the simulator namespace (a delay line); its output goes to NAME.log. */
    dev.ferry.interop.support.BackgroundProcess startInSim(List<String> command, String name) {
        return dev.ferry.interop.support.BackgroundProcess.start(NetworkNamespaces.inside(sim, command), work, name);
    }

    /** As {@link #runInSim}, in the client namespace (to find the client's UDP port). */
    String runInClient(String... command) throws IOException {
        return run(client, command);
    }

    private String run(String namespace, String... command) throws IOException {
        ProcessRunner.Result result = ProcessRunner.run(NetworkNamespaces.inside(namespace, List.of(command)), work,
                "topology", Duration.ofSeconds(20));
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " in " + namespace + " failed: " + result.stderrText());
        }
        return result.stdoutText();
    }

    @Override
    public void close() throws IOException {
        namespaces.close();
    }
}
