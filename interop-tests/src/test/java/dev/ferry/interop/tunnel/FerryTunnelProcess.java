package dev.ferry.interop.tunnel;

import dev.ferry.interop.support.BackgroundProcess;
import dev.ferry.interop.support.FerryServeProcess;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ferry's tunnel client as users run it: {@code ferry tunnel udp|tcp} in its own JVM, its local port read from its
 * banner, a refusal read from its last words ("relay refused connect-udp to ...: status 407 (proxy-status: ...)").
 */
final class FerryTunnelProcess implements MasqueClient {
    private static final Pattern BANNER = Pattern.compile("ferry tunnel: (?:udp|tcp) 127\\.0\\.0\\.1:(\\d+) ->");
    private static final Pattern REFUSED = Pattern.compile("relay refused .*: status (\\d{3}).*");
    private static final Duration START = Duration.ofSeconds(30);

    @Override
    public String label() {
        return "ferry";
    }

    @Override
    public LocalTunnel udp(InetSocketAddress relay, InetSocketAddress target, boolean capsules, String token,
                           Path dir) throws Exception {
        List<String> options = new ArrayList<>();
        if (capsules) {
            options.add("--capsules");
        }
        return start("udp", relay, target, token, options, dir);
    }

    @Override
    public LocalTunnel tcp(InetSocketAddress relay, InetSocketAddress target, String token, Path dir)
            throws Exception {
        return start("tcp", relay, target, token, List.of(), dir);
    }

    private static LocalTunnel start(String kind, InetSocketAddress relay, InetSocketAddress target, String token,
                                     List<String> options, Path dir) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m", "-cp", FerryServeProcess.classPathWithout(e -> e.contains("test-classes")),
                "dev.ferry.app.FerryMain", "tunnel", kind, "--via", "https://127.0.0.1:" + relay.getPort(),
                "--target", target.getHostString() + ":" + target.getPort(), "--listen", "127.0.0.1:0", "-k"));
        if (token != null) {
            command.addAll(List.of("--token", token));
        }
        command.addAll(options);
        BackgroundProcess process = BackgroundProcess.start(command, Files.createDirectories(dir),
                "ferry-tunnel-" + kind);
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            String log = process.logText();
            Matcher bound = BANNER.matcher(log);
            if (bound.find()) {
                return LocalTunnel.open(new InetSocketAddress("127.0.0.1", Integer.parseInt(bound.group(1))),
                        List.of(), () -> process.terminate(Duration.ofSeconds(5)));
            }
            if (!process.isAlive()) {
                Matcher refused = REFUSED.matcher(log);
                if (refused.find()) {
                    return LocalTunnel.refused(Integer.parseInt(refused.group(1)), refused.group(), process);
                }
                throw new IllegalStateException("ferry tunnel " + kind + " exited " + process.exitCode() + ": "
                        + log.strip());
            }
            Thread.sleep(20);
        }
        process.close();
        throw new IllegalStateException("ferry tunnel " + kind + " did not start within " + START + ": "
                + process.logText().strip());
    }
}
