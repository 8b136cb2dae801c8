package dev.ferry.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of another process from {@code /proc/PID/stat} (user plus system, children excluded). The benchmark reads
 * it for the relay under test at the start and end of the measured window, so that warm-up and the client's own start
 * are not billed to the relay.
 */
final class ProcessCpu {
    /** Clock ticks per second for /proc times; 100 on every mainstream Linux build (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final Path stat;

    ProcessCpu(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
    }

    /** Seconds of CPU the process has used so far, or -1 when it cannot be read (gone, not Linux). */
    double seconds() {
        try {
            String s = Files.readString(stat);
            // The command name (field 2) may contain spaces and parentheses; fields are counted after its last ')'.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(f[11]);
            long stime = Long.parseLong(f[12]);
            return (utime + stime) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
