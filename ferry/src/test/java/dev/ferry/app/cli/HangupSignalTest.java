package dev.ferry.app.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HangupSignalTest {
    private static String status(String sigIgn) {
        return "Name:\tjava\nState:\tS (sleeping)\nSigBlk:\t0000000000000000\nSigIgn:\t" + sigIgn
                + "\nSigCgt:\t2000000181005ccf\n";
    }

    @Test
    void readsSighupAsTheLowestBitOfSigIgn() {
        assertTrue(HangupSignal.ignoredIn(status("0000000000000001")), "nohup's mask");
        assertTrue(HangupSignal.ignoredIn(status("0000000000001003")), "SIGHUP among others");
        assertFalse(HangupSignal.ignoredIn(status("0000000000000000")));
        assertFalse(HangupSignal.ignoredIn(status("0000000000001002")), "SIGINT and SIGPIPE, not SIGHUP");
        assertFalse(HangupSignal.ignoredIn(status("8000000000000000")), "the top bit is a signal too, not SIGHUP");
    }

    @Test
    void aStatusWithoutTheLineSaysNotIgnored() {
        assertFalse(HangupSignal.ignoredIn("Name:\tjava\n"));
    }

    /** A child started by nohup inherits SIGHUP as ignored, and its own status says so. */
    @Test
    void seesWhatNohupDoesToAChild() throws IOException, InterruptedException {
        assertTrue(HangupSignal.ignoredIn(childStatus("nohup", "cat", "/proc/self/status")));
    }

    private static String childStatus(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(0, p.waitFor());
        return out;
    }
}
