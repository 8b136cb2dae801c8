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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Re-reads the configuration file of a running {@code ferry serve} on SIGHUP (which {@code ferry reload} sends)
 * and applies it: a file that fails {@code ferry check}, or changes a setting only a restart can, is refused with
 * its problems logged, and the running configuration stays.
 *
 * <p>{@code ferry reload} finds the relay through {@value #PID_FILE} in the state directory, and reads the outcome
 * from {@value #STATUS_FILE}: a sequence number, {@code applied} or {@code refused}, then one problem per line.
 */
final class ConfigReloader implements AutoCloseable {
    static final String PID_FILE = "ferry.pid";
    static final String STATUS_FILE = "reload-status";

    private final Path file;
    private final FerryServer server;
    private final Path stateDir;
    private final PrintStream log;
    /** One reload at a time, off the signal thread. */
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ferry-reload");
        t.setDaemon(true);
        return t;
    });
    private long sequence;

    private ConfigReloader(Path file, FerryServer server, Path stateDir, PrintStream log) {
        this.file = file;
        this.server = server;
        this.stateDir = stateDir;
        this.log = log;
    }

    /** Writes the pid file and reloads {@code file} into {@code server} on every SIGHUP from now on. */
    static ConfigReloader install(Path file, FerryServer server, Path stateDir, PrintStream log) throws IOException {
        ConfigReloader reloader = new ConfigReloader(file, server, stateDir, log);
        Files.createDirectories(stateDir);
        writeAtomically(stateDir.resolve(PID_FILE), ProcessHandle.current().pid() + "\n");
        reloader.writeStatus("started", List.of());
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reloader.worker.execute(reloader::reload));
        return reloader;
    }

    /** Reads the file again and applies it, or logs why not. */
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
