package dev.ferry.app.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log's size rotation: whole lines, numbered files, the oldest dropped past {@code keep}. */
class RotatingFileOutputTest {

    @Test
    void rotatesBeforeALineWouldPassTheLimitAndKeepsTheNewestFiles(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("access.log");
        // 100 lines of 10 bytes with their line ends, 40 bytes a file: 4 lines each, 25 files written, 1 + 3 kept.
        AsyncLineWriter writer = new AsyncLineWriter(new RotatingFileOutput(log, 40, 3), 1000, "test-rotation");
        for (int i = 0; i < 100; i++) {
            writer.accept(String.format("line %04d", i));
        }
        writer.close();
        assertEquals(0, writer.dropped());
        List<String> kept = new ArrayList<>();
        for (String name : List.of("access.log.3", "access.log.2", "access.log.1", "access.log")) {
            List<String> lines = Files.readAllLines(dir.resolve(name), StandardCharsets.UTF_8);
            assertEquals(4, lines.size(), name + ": " + lines);
            assertTrue(Files.size(dir.resolve(name)) <= 40, name);
            kept.addAll(lines);
        }
        assertFalse(Files.exists(dir.resolve("access.log.4")), "only three rotated files are kept");
        List<String> expected = new ArrayList<>();
        for (int i = 84; i < 100; i++) {
            expected.add(String.format("line %04d", i));
        }
        assertEquals(expected, kept, "the newest 16 lines, in order, none split");
    }

    @Test
    void continuesAnExistingFileAndCountsItsSize(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("access.log");
        Files.writeString(log, "x".repeat(35) + "\n");
        AsyncLineWriter writer = new AsyncLineWriter(new RotatingFileOutput(log, 40, 2), 10, "test-rotation");
        writer.accept("line 0001");
        writer.close();
        assertEquals("x".repeat(35) + "\n", Files.readString(dir.resolve("access.log.1")));
        assertEquals("line 0001\n", Files.readString(log));
    }
}
