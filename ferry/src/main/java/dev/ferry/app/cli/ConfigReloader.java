package dev.ferry.app.cli;

import dev.ferry.app.config.ConfigException;
import dev.ferry.app.config.ConfigLoader;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.server.FerryServer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Re-reads the configuration file of a running {@code ferry serve} and applies it, when asked: a file that fails
 * {@code ferry check}, or changes a setting only a restart can, is refused with its problems logged, and the
 * running configuration stays.
 *
 * <p>Two ways to ask: SIGHUP (what {@code systemctl reload} and {@code kill -HUP} send), and a new token in
 * {@value #REQUEST_FILE} in the state directory, which is what {@code ferry reload} writes. The
 * file works where the signal cannot: a relay started under {@code nohup} inherits SIGHUP as ignored, and the JVM
 * then never delivers it (the relay says so when it starts, see {@link HangupSignal}). The reload thread looks at
 * the file every {@value #REQUEST_POLL_MILLIS} ms, one small read.
 *
 * <p>{@code ferry reload} finds the relay through {@value #PID_FILE} in the state directory, and reads the outcome
 * from {@value #STATUS_FILE}: a sequence number, {@code applied} or {@code refused}, then one problem per line.
 */
final class ConfigReloader implements AutoCloseable {
    static final String PID_FILE = "ferry.pid";
    static final String STATUS_FILE = "reload-status";
    static final String REQUEST_FILE = "reload-request";
    static final long REQUEST_POLL_MILLIS = 200;

    private final Path file;
    private final FerryServer server;
    private final Path stateDir;
    private final PrintStream log;
    /** One reload at a time, off the signal thread; it also watches the request file. */
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ferry-reload");
        t.setDaemon(true);
        return t;
    });
    private long sequence;
    /** The request file's token last acted on; touched on the reload thread only. */
    private String lastRequest;

    private ConfigReloader(Path file, FerryServer server, Path stateDir, PrintStream log) {
        this.file = file;
        this.server = server;
        this.stateDir = stateDir;
        this.log = log;
    }

    /**
     * Writes the pid file and reloads {@code file} into {@code server} on every SIGHUP and every new request token
     * from now on.
     */
    static ConfigReloader install(Path file, FerryServer server, Path stateDir, PrintStream log) throws IOException {
        ConfigReloader reloader = new ConfigReloader(file, server, stateDir, log);
        Files.createDirectories(stateDir);
        // A token left by an earlier run is not a request to this one.
        reloader.lastRequest = reloader.readRequest();
        writeAtomically(stateDir.resolve(PID_FILE), ProcessHandle.current().pid() + "\n");
        reloader.writeStatus("started", List.of());
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reloader.worker.execute(reloader::reload));
        if (HangupSignal.ignored()) {
            log.println("ferry: SIGHUP is ignored in this process (started under nohup?), so kill -HUP and systemctl"
                    + " reload do nothing; ferry reload still works");
        }
        reloader.worker.scheduleWithFixedDelay(reloader::reloadIfRequested, REQUEST_POLL_MILLIS, REQUEST_POLL_MILLIS,
                TimeUnit.MILLISECONDS);
        return reloader;
    }

    /**
     * Reloads when the request file holds a token not acted on yet. Runs on the reload thread; nothing may escape
     * it, since a periodic task that throws is never run again.
     */
    private void reloadIfRequested() {
        try {
            String request = readRequest();
            if (request != null && !request.equals(lastRequest)) {
                lastRequest = request;
                reload();
            }
        } catch (RuntimeException e) {
            log.println("ferry: reload request not handled: " + e);
        }
    }

    /** The request file's token, or null when there is none. */
    private String readRequest() {
        try {
            return Files.readString(stateDir.resolve(REQUEST_FILE), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** Asks the relay whose state directory is {@code stateDir} to reload, with a token no earlier request used. */
    static void request(Path stateDir) throws IOException {
        writeAtomically(stateDir.resolve(REQUEST_FILE),
                ProcessHandle.current().pid() + "-" + System.nanoTime() + "-" + UUID.randomUUID() + "\n");
    }

    /** Reads the file again and applies it, or logs why not. Runs on the reload thread. */
    void reload() {
        List<String> problems;
        try {
            FerryConfig next = ConfigLoader.load(file);
            problems = server.reload(next);
        } catch (ConfigException e) {
            problems = e.problems();
        } catch (RuntimeException e) {
            problems = List.of(String.valueOf(e.getMessage()));
        }
        if (problems.isEmpty()) {
            log.println("ferry: reloaded " + file + "; new requests use it, running ones finish on the previous one");
            writeStatus("applied", problems);
        } else {
            log.println("ferry: reload of " + file + " refused; still serving the previous configuration:");
            problems.forEach(p -> log.println("  " + p));
            writeStatus("refused", problems);
        }
    }

    private synchronized void writeStatus(String outcome, List<String> problems) {
        List<String> lines = new ArrayList<>();
        lines.add(Long.toString(sequence++));
        lines.add(outcome);
        lines.addAll(problems);
        try {
            writeAtomically(stateDir.resolve(STATUS_FILE), String.join("\n", lines) + "\n");
        } catch (IOException e) {
            log.println("ferry: cannot write " + stateDir.resolve(STATUS_FILE) + ": " + e.getMessage());
        }
    }

    /** Readers never see half a file: written beside it, then renamed over it. */
    private static void writeAtomically(Path target, String text) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            Files.deleteIfExists(stateDir.resolve(PID_FILE));
        } catch (IOException ignored) {
            // The relay is stopping; a stale pid file only makes a later ferry reload say nobody answered.
        }
    }
}
