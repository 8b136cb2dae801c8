package dev.ferry.app.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this process can receive SIGHUP at all. A process started under {@code nohup} (or by a parent that
 * ignores the signal) inherits SIGHUP as ignored, and the JVM then quietly declines to install a handler for it:
 * {@code Signal.handle} returns as if it had, and a {@code kill -HUP} does nothing. Linux shows the inherited
 * disposition in {@code /proc/self/status}, as the {@code SigIgn} bit mask.
 */
final class HangupSignal {
    private static final int SIGHUP = 1;

    private HangupSignal() {
    }

    /** True when SIGHUP is ignored in this process; false when it is not or the kernel does not say. */
    static boolean ignored() {
        try {
            return ignoredIn(Files.readString(Path.of("/proc/self/status"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Reads the {@code SigIgn} line of a {@code /proc/PID/status} text; false when there is none. */
    static boolean ignoredIn(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                return (mask & (1L << (SIGHUP - 1))) != 0;
            }
        }
        return false;
    }
}
