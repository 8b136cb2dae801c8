package dev.ferry.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.app.cli.CheckCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Tests {@code ferry check} here, next to the loader it wraps, because it has no logic of its own. */
class CheckCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int check(Path file) {
        CommandLine cli = new CommandLine(new CheckCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(file.toString());
    }

    @Test
    void printsASummaryAndExitsZeroForAValidFile() throws IOException {
        Path file = Files.writeString(dir.resolve("ok.yaml"), """
                routes: [{path-prefix: /a, origin: a}, {origin: b}]
                origins: {a: {endpoints: ['127.0.0.1:1']}, b: {endpoints: ['127.0.0.1:2']}}
                """);
        assertEquals(0, check(file));
        assertEquals("OK: " + file + ": 1 listener(s), 2 route(s), 2 origin(s)", out.toString().strip());
        assertEquals("", err.toString());
    }

    @Test
    void printsEachProblemToStandardErrorAndExitsTwo() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.yaml"),
                "event-loops: -1\norigins: {a: {protocol: spdy, endpoints: ['127.0.0.1:1']}}\n");
        assertEquals(2, check(file));
        assertEquals("event-loops: -1 (expected: an integer from 0 to 4096; 0 means one per core)\n"
                + "origins.a.protocol: spdy (expected: one of h1, h2, h2c, h3, files)", err.toString().strip());
        assertEquals("", out.toString());
    }
}
