package dev.ferry.app.cli;

import dev.ferry.app.config.ConfigException;
import dev.ferry.app.config.ConfigLoader;
import dev.ferry.app.config.FerryConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code ferry reload --config FILE}: has the {@code ferry serve} running with FILE apply it again. The file is
 * checked here first (a broken one never reaches the relay); then the relay, found through the pid file in the
 * configuration's state directory, is asked through that directory ({@link ConfigReloader}; SIGHUP does the same
 * where the relay can receive it), and this command waits for its verdict and prints it.
 *
 * <p>Exit codes: 0 applied, 1 refused by the relay (a setting that needs a restart), 2 invalid file, 3 no relay
 * running with that state directory or no answer from it.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Apply the configuration file again to the running relay")
public final class ReloadCommand implements Callable<Integer> {
    static final int REFUSED = 1;
    static final int NO_RELAY = 3;
    private static final Duration VERDICT_WAIT = Duration.ofSeconds(30);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true,
            description = "The YAML configuration file the relay runs with")
    Path config;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        FerryConfig parsed;
        try {
            parsed = ConfigLoader.load(config);
        } catch (ConfigException e) {
            err.println("ferry reload: " + config + " is invalid; the relay keeps its configuration:");
            e.problems().forEach(p -> err.println("  " + p));
            return CheckCommand.INVALID;
        }
        Path stateDir = parsed.stateDir();
        Path pidFile = stateDir.resolve(ConfigReloader.PID_FILE);
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            err.println("ferry reload: no relay runs with state directory " + stateDir + " (no " + pidFile + ")");
            return NO_RELAY;
        }
        java.util.Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            err.println("ferry reload: process " + pid + " from " + pidFile + " is not running");
            return NO_RELAY;
        }
        // A relay killed without its shutdown hook leaves the file behind, and its number may belong to another
        // program by now: say so at once rather than wait for a verdict nobody will write.
        String command = process.get().info().commandLine().orElse("");
        if (!command.contains("java") || !(command.contains("ferry") || command.contains("FerryMain"))) {
            err.println("ferry reload: process " + pid + " from " + pidFile + " is not a ferry relay ("
                    + (command.isEmpty() ? "its command line cannot be read" : command)
                    + "); a stale pid file? Nothing was asked");
            return NO_RELAY;
        }
        Path statusFile = stateDir.resolve(ConfigReloader.STATUS_FILE);
        String before = sequence(statusFile);
        // Asked through the state directory rather than by SIGHUP: a relay started under nohup never gets the signal.
        try {
            ConfigReloader.request(stateDir);
        } catch (IOException e) {
            err.println("ferry reload: cannot write the request into " + stateDir + ": " + e.getMessage());
            return NO_RELAY;
        }
        long deadline = System.nanoTime() + VERDICT_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> status = lines(statusFile);
            if (status.size() >= 2 && !status.get(0).equals(before)) {
                if (status.get(1).equals("applied")) {
                    err.println("ferry reload: applied " + config + " (process " + pid + ")");
                    return 0;
                }
                err.println("ferry reload: the relay refused " + config + " and keeps its configuration:");
                status.subList(2, status.size()).forEach(p -> err.println("  " + p));
                return REFUSED;
            }
            Thread.sleep(50);
        }
        err.println("ferry reload: no verdict from process " + pid + " within " + VERDICT_WAIT.toSeconds() + " s");
        return NO_RELAY;
    }

    private static String sequence(Path statusFile) {
        List<String> status = lines(statusFile);
        return status.isEmpty() ? "" : status.get(0);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }
}
