package dev.ferry.interop.runner;

import dev.ferry.interop.support.RandomFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a case serves, as the interop runner sizes them, scaled down by default so that the cases CI runs stay
 * short (the runner's transfer moves 2 + 3 + 5 MB over 10 Mbit/s, eight seconds each time); a scale of 1 gives the
 * runner's own sizes.
 */
final class CaseFiles {
    private CaseFiles() {
    }

    /** Sizes in bytes of the files {@code testCase} requests, at {@code scale} (1 = the runner's). */
    static List<Long> sizes(String testCase, double scale) {
        List<Long> sizes = new ArrayList<>();
        switch (testCase) {
            // The runner's one 10 MB file; at least 4 MB (3 s at 10 Mbit/s), so that blackholes and rebindings
            // fall inside it.
            case "blackhole", "rebind-port", "rebind-addr" -> sizes.add(scaled(10_000_000, Math.max(scale, 0.4)));
            case "transfer", "http3", "transferloss", "transfercorruption", "ipv6" -> {
                sizes.add(scaled(2_000_000, scale));
                sizes.add(scaled(3_000_000, scale));
                sizes.add(scaled(5_000_000, scale));
            }
            case "multiplexing" -> {
                // The runner's 1,999 files of 32 bytes: more than a server's first stream limit allows at once.
                for (int i = 0; i < Math.max(10, (int) (1_999 * scale)); i++) {
                    sizes.add(32L);
                }
            }
            case "multiconnect", "handshakeloss", "handshakecorruption" -> {
                for (int i = 0; i < Math.max(3, (int) (50 * scale)); i++) {
                    sizes.add(1_000L);
                }
            }
            case "resumption" -> {
                sizes.add(5_000L);
                sizes.add(5_000L);
            }
            case "zerortt" -> {
                for (int i = 0; i < Math.max(5, (int) (40 * scale)); i++) {
                    sizes.add(5_000L);
                }
            }
            case "goodput" -> sizes.add(scaled(10_000_000, scale));
            case "crosstraffic" -> sizes.add(scaled(25_000_000, scale));
            // Enough packets for the client's key updates (quic-go updates every 100 packets).
            case "keyupdate" -> sizes.add(scaled(3_000_000, scale));
            default -> sizes.add(1_000L);
        }
        return sizes;
    }

    private static long scaled(long bytes, double scale) {
        return Math.max(1_000L, (long) (bytes * scale));
    }

    /** Writes random files of {@code sizes} into {@code www}, named by their index and size. */
    static List<Path> create(Path www, List<Long> sizes, int seed) throws IOException {
        Files.createDirectories(www);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            files.add(RandomFiles.create(www.resolve("f" + i + "-" + sizes.get(i) + ".bin"), sizes.get(i), seed + i));
        }
        return files;
    }
}
