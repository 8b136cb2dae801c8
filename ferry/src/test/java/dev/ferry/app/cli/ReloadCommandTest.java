package dev.ferry.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ferry reload} signals nothing it cannot be sure is the relay. */
class ReloadCommandTest {

    private static Path config(Path dir) throws Exception {
        Path file = dir.resolve("ferry.yaml");
        Files.writeString(file, "state-dir: " + dir.resolve("state") + "\n"
                + "origins: {app: {endpoints: ['127.0.0.1:9']}}\n");
        Files.createDirectories(dir.resolve("state"));
        return file;
    }

    @Test
    void withoutAPidFileNoRelayAnswers(@TempDir Path dir) throws Exception {
        assertEquals(ReloadCommand.NO_RELAY, new CommandLine(new ReloadCommand()).execute("--config",
                config(dir).toString()));
    }

    /** A pid file left by a killed relay whose number now belongs to another program: that program is left alone. */
    @Test
    void aStalePidFileNamingAnotherProgramSignalsNothing(@TempDir Path dir) throws Exception {
        Path file = config(dir);
        Process other = new ProcessBuilder("sleep", "30").start();
        try {
            Files.writeString(dir.resolve("state").resolve(ConfigReloader.PID_FILE), other.pid() + "\n");
            assertEquals(ReloadCommand.NO_RELAY, new CommandLine(new ReloadCommand()).execute("--config",
                    file.toString()));
            assertTrue(!other.waitFor(500, TimeUnit.MILLISECONDS) && other.isAlive(),
                    "the other program got a signal");
            assertTrue(Files.notExists(dir.resolve("state").resolve(ConfigReloader.REQUEST_FILE)),
                    "a reload was requested of a relay that is not there");
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void anInvalidFileIsRefusedBeforeAnythingIsSignalled(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "origins: {app: {protocol: spdy}}\n");
        assertEquals(CheckCommand.INVALID, new CommandLine(new ReloadCommand()).execute("--config",
                file.toString()));
    }
}
