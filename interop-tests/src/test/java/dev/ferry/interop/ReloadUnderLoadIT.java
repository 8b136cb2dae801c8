package dev.ferry.interop;

import dev.ferry.interop.support.FerryServeProcess;
import dev.ferry.interop.support.FreePorts;
import dev.ferry.interop.support.WorkDirs;
import dev.ferry.testorigin.BuiltinOrigin;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hot reload under load: {@code ferry bench} (4 connections x 8 streams of POSTs, which the relay may not retry
 * on another connection) runs against a {@code ferry serve} process
 * while the configuration file switches ten times between two route sets (every request to origin {@code a} over
 * HTTP/1.1, then every request to origin {@code b} over h2c, whose one connection per loop carries many requests at
 * once and so must outlive the reload until they end), each applied with {@code ferry reload}. No request may fail, and the access
 * log must show both origins answering. Then a broken file: {@code ferry reload} refuses it before signalling
 * (exit 2), a bare SIGHUP makes the relay refuse it itself, and a listener changed in place is refused by the relay
 * (exit 1); the relay keeps serving on its previous configuration throughout. Last, a listener added under a new
 * name binds and serves, and removed again it closes its port. And a relay started under {@code nohup}, which
 * never gets SIGHUP, still reloads through {@code ferry reload}.
 */
class ReloadUnderLoadIT {
    private static final int RELOADS = 10;
    private static final Pattern ERROR_COUNT = Pattern.compile("\"error_count\":(\\d+)");
    private static final Pattern REQUESTS = Pattern.compile("\"requests\":(\\d+)");

    @Test
    void tenReloadsUnderLoadFailNoRequestAndBadFilesAreRefused() throws Exception {
        Path work = WorkDirs.create("reload-under-load");
        int port = FreePorts.udpAndTcp();
        try (BuiltinOrigin a = loopbackOrigin(); BuiltinOrigin b = loopbackOrigin()) {
            Path accessLog = work.resolve("access.log");
            String toA = config(work, port, a, b, accessLog, "a");
            String toB = config(work, port, a, b, accessLog, "b");
            Path live = work.resolve("live.yaml");
            Files.writeString(live, toA);
            String classPath = System.getProperty("java.class.path");
            try (FerryServeProcess relay = FerryServeProcess.serve(work.resolve("relay"), classPath, Map.of(), port,
                    "--config", live.toString())) {
                Process bench = ferry(work, "bench", List.of("bench", "-k", "-c", "4", "-s", "8", "-d", "15s",
                        "--warmup", "0s", "--body-size", "4096", "--json", relay.url("/echo")));
                List<Integer> exits = new ArrayList<>();
                Thread.sleep(1500);
                for (int i = 0; i < RELOADS; i++) {
                    Files.writeString(live, i % 2 == 0 ? toB : toA);
                    exits.add(reload(work, live, "reload-" + i));
                    Thread.sleep(300);
                }
                assertTrue(bench.waitFor(60, TimeUnit.SECONDS), "ferry bench did not finish");
                String result = Files.readString(work.resolve("bench.stdout"), StandardCharsets.UTF_8);
                System.out.println("[reload-under-load] reload exits " + exits + "; bench " + result.trim());
                assertEquals(List.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), exits, relay.stderrText());
                assertEquals(0, bench.exitValue(), Files.readString(work.resolve("bench.stderr")));
                assertEquals(0L, number(ERROR_COUNT, result), "failed requests during the reloads: " + result);
                assertTrue(number(REQUESTS, result) > 1000, "too few requests to prove anything: " + result);
                String log = Files.readString(accessLog, StandardCharsets.UTF_8);
                assertTrue(log.contains("\"origin\":\"a\"") && log.contains("\"origin\":\"b\""),
                        "both route sets must have served requests");
                assertTrue(!log.contains("\"status\":5") && !log.contains("\"status\":4"),
                        "an error status in the access log");
                assertEquals(RELOADS, count(relay.stderrText(), "ferry: reloaded "), relay.stderrText());

                // A broken file: refused before the relay is even signalled.
                Files.writeString(live, "origins: {a: {protocol: spdy}}\n");
                assertEquals(2, reload(work, live, "reload-broken"));
                // The same file by SIGHUP alone: the relay reads it, refuses it and keeps serving.
                long pid = Long.parseLong(Files.readString(work.resolve("state/ferry.pid")).trim());
                assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(pid)).start().waitFor());
                awaitText(relay, "refused; still serving the previous configuration");
                assertTrue(relay.stderrText().contains("origins.a.protocol: spdy"), relay.stderrText());
                // A listener cannot change in place: the relay refuses it and names it.
                Files.writeString(live, toA.replace("127.0.0.1:" + port, "127.0.0.1:" + FreePorts.udp()));
                assertEquals(1, reload(work, live, "reload-listener"));
                assertTrue(Files.readString(work.resolve("reload-listener.stderr"))
                        .contains("listeners.listener-0: changed"), Files.readString(
                        work.resolve("reload-listener.stderr")));
                // A listener added under a new name binds and serves; removed again, it drains and closes.
                int second = FreePorts.udpAndTcp();
                String first = "  - address: 127.0.0.1:" + port + "\n";
                Files.writeString(live, toA.replace(first, first + "  - name: second\n    address: 127.0.0.1:"
                        + second + "\n"));
                assertEquals(0, reload(work, live, "reload-add"));
                assertEquals(0, get(work, "https://127.0.0.1:" + second + "/bytes/300", "second.bin"),
                        Files.readString(work.resolve("get-second.bin.stderr")));
                assertEquals(300, Files.size(work.resolve("second.bin")));
                Files.writeString(live, toA);
                assertEquals(0, reload(work, live, "reload-remove"));
                awaitUnbound(second);
                // Still serving, on the last applied route set (A after ten switches).
                assertEquals(0, get(work, relay.url("/bytes/100"), "after.bin"),
                        Files.readString(work.resolve("get-after.bin.stderr")));
                assertEquals(100, Files.size(work.resolve("after.bin")));
                String lastLine = lastLine(Files.readString(accessLog, StandardCharsets.UTF_8));
                assertTrue(lastLine.contains("\"origin\":\"a\""), lastLine);
            }
        }
    }

    /**
     * A relay started under {@code nohup} inherits SIGHUP as ignored, and the JVM then never delivers it: the relay
     * says so when it starts, a {@code kill -HUP} changes nothing, and {@code ferry reload}, which asks through the
     * state directory, still applies a new route set.
     */
    @Test
    void aRelayStartedUnderNohupSaysSoAndStillReloadsThroughFerryReload() throws Exception {
        Path work = WorkDirs.create("reload-under-nohup");
        int port = FreePorts.udpAndTcp();
        try (BuiltinOrigin a = loopbackOrigin(); BuiltinOrigin b = loopbackOrigin()) {
            Path accessLog = work.resolve("access.log");
            Path live = work.resolve("live.yaml");
            Files.writeString(live, config(work, port, a, b, accessLog, "a"));
            Process relay = ferry(work, "relay", List.of("nohup"), List.of("serve", "--config", live.toString()));
            Path stderr = work.resolve("relay.stderr");
            try {
                awaitText(stderr, "press Ctrl-C to stop");
                assertTrue(Files.readString(stderr).contains("SIGHUP is ignored in this process"),
                        Files.readString(stderr));
                assertEquals(0, get(work, "https://127.0.0.1:" + port + "/bytes/10", "before.bin"));
                assertTrue(lastLine(Files.readString(accessLog)).contains("\"origin\":\"a\""));

                Files.writeString(live, config(work, port, a, b, accessLog, "b"));
                assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(relay.pid())).start().waitFor());
                Thread.sleep(2 * 200 + 500);
                assertTrue(relay.isAlive(), "SIGHUP stopped the relay");
                assertTrue(!Files.readString(stderr).contains("ferry: reloaded"),
                        "an ignored SIGHUP reloaded: " + Files.readString(stderr));

                assertEquals(0, reload(work, live, "reload-nohup"), Files.readString(work.resolve(
                        "reload-nohup.stderr")));
                assertEquals(0, get(work, "https://127.0.0.1:" + port + "/bytes/10", "after.bin"));
                assertTrue(lastLine(Files.readString(accessLog)).contains("\"origin\":\"b\""),
                        "the request after ferry reload should go to origin b: " + lastLine(Files.readString(
                                accessLog)));
            } finally {
                relay.destroy();
                if (!relay.waitFor(15, TimeUnit.SECONDS)) {
                    relay.destroyForcibly();
                }
            }
        }
    }

    private static BuiltinOrigin loopbackOrigin() {
        return BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build().start();
    }

    /** A configuration that sends everything to {@code target}, with both origins defined. */
    private static String config(Path work, int port, BuiltinOrigin a, BuiltinOrigin b, Path accessLog,
                                 String target) {
        return "state-dir: " + work.resolve("state") + "\n"
                + "listeners:\n  - address: 127.0.0.1:" + port + "\n"
                + "origins:\n"
                + "  a:\n    protocol: h1\n    endpoints: [127.0.0.1:" + a.address().getPort() + "]\n"
                + "  b:\n    protocol: h2c\n    endpoints: [127.0.0.1:" + b.address().getPort() + "]\n"
                + "routes:\n  - origin: " + target + "\n"
                + "access-log:\n  path: " + accessLog + "\n";
    }

    private static int reload(Path work, Path live, String name) throws Exception {
        Process p = ferry(work, name, List.of("reload", "--config", live.toString()));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), name + " did not finish");
        return p.exitValue();
    }

    /** A {@code ferry} JVM with its output in NAME.stdout and NAME.stderr under {@code work}. */
    private static Process ferry(Path work, String name, List<String> args) throws Exception {
        return ferry(work, name, List.of(), args);
    }

    /** As {@link #ferry(Path, String, List)}, the JVM started through {@code wrapper} ({@code nohup}, say). */
    private static Process ferry(Path work, String name, List<String> wrapper, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), "dev.ferry.app.FerryMain"));
        command.addAll(args);
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(work.resolve(name + ".stdout").toFile())
                .redirectError(work.resolve(name + ".stderr").toFile()).start();
    }

    /** {@code ferry get -k URL -o FILE} in {@code work}; its exit code. */
    private static int get(Path work, String url, String file) throws Exception {
        Process get = ferry(work, "get-" + file, List.of("get", "-k", "-o", work.resolve(file).toString(), url));
        assertTrue(get.waitFor(30, TimeUnit.SECONDS), "ferry get " + url + " did not finish");
        return get.exitValue();
    }

    /** Waits until nothing listens on UDP {@code port} any more (a removed listener with no requests closes at once). */
    private static void awaitUnbound(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            Process ss = new ProcessBuilder("ss", "-Hnul", "sport = :" + port).redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            ss.waitFor();
            if (out.isEmpty()) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "UDP port " + port + " still bound:\n" + out);
            Thread.sleep(100);
        }
    }

    private static void awaitText(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file) || !Files.readString(file).contains(text)) {
            assertTrue(System.nanoTime() < deadline, "no \"" + text + "\" in " + file);
            Thread.sleep(50);
        }
    }

    private static void awaitText(FerryServeProcess relay, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!relay.stderrText().contains(text)) {
            assertTrue(System.nanoTime() < deadline, "no \"" + text + "\" from the relay:\n" + relay.stderrText());
            Thread.sleep(50);
        }
    }

    private static long number(Pattern pattern, String json) {
        Matcher m = pattern.matcher(json);
        assertTrue(m.find(), pattern + " not in " + json);
        return Long.parseLong(m.group(1));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }
}
