package dev.ferry.interop.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Linux network namespaces joined by veth links, made for one test and removed by {@link #close}, on failure too.
 * A namespace starts with nothing but its loopback; each {@link #link} adds a point-to-point subnet between two of
 * them and nothing else: no default route and no forwarding, so a packet reaches another namespace only if a
 * program in between carries it. Needs root (CI runs as root).
 *
 * <p>Names carry a random tag so that two runs on one machine cannot collide; a namespace left over by a killed
 * run is named {@code ferry-<tag>-<role>} and can be removed with {@code ip netns del}.
 */
public final class NetworkNamespaces implements AutoCloseable {
    private final String tag = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff), 36);
    private final List<String> created = new ArrayList<>();
    private int links;

    /**
     * Creates the namespace {@code ferry-<tag>-<role>} with its loopback up, IP forwarding off and IPv6 off (so
     * that a capture holds only the test's own IPv4 traffic, not router solicitations on link-local addresses).
     */
    public String create(String role) throws IOException {
        String name = "ferry-" + tag + "-" + role;
        run("ip", "netns", "add", name);
        created.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        run("ip", "netns", "exec", name, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0",
                "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        return name;
    }

    /**
     * Joins {@code a} and {@code b} by a veth pair, {@code a}'s end with {@code addressA} and {@code b}'s with
     * {@code addressB} (CIDR notation, one /24 per link): only that subnet becomes reachable between the two.
     *
     * @return the interface names, {@code a}'s then {@code b}'s
     */
    public String[] link(String a, String addressA, String b, String addressB) throws IOException {
        int n = links++;
        String endA = "v" + tag + n + "a";
        String endB = "v" + tag + n + "b";
        run("ip", "link", "add", endA, "netns", a, "type", "veth", "peer", "name", endB, "netns", b);
        run("ip", "-n", a, "addr", "add", addressA, "dev", endA);
        run("ip", "-n", b, "addr", "add", addressB, "dev", endB);
        run("ip", "-n", a, "link", "set", endA, "up");
        run("ip", "-n", b, "link", "set", endB, "up");
        return new String[] {endA, endB};
    }

    /** Adds one more address ({@code 10.0.0.3/24}) to an interface a {@link #link} made. */
    public void addAddress(String namespace, String device, String address) throws IOException {
        run("ip", "-n", namespace, "addr", "add", address, "dev", device);
    }

    /** {@code command} run inside {@code namespace}. */
    public static List<String> inside(String namespace, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    /** The routes {@code namespace} has, as {@code ip route} prints them (for failure messages and checks). */
    public String routes(String namespace) throws IOException {
        return run("ip", "-n", namespace, "route", "show");
    }

    /** Kills what still runs in each namespace, then deletes them (which deletes their veth ends too). */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (int i = created.size() - 1; i >= 0; i--) {
            String name = created.get(i);
            try {
                String pids = run("ip", "netns", "pids", name).trim();
                if (!pids.isEmpty()) {
                    List<String> kill = new ArrayList<>(List.of("kill", "-9"));
                    kill.addAll(List.of(pids.split("\\s+")));
                    runQuietly(kill);
                }
                run("ip", "netns", "del", name);
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        created.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private static void runQuietly(List<String> command) {
        try {
            run(command.toArray(String[]::new));
        } catch (IOException e) {
            // The process ended by itself in between.
        }
    }

    /** Runs a set-up command to its end; its output, or an exception with its output if it failed. */
    private static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": " + output);
        }
        return output;
    }
}
