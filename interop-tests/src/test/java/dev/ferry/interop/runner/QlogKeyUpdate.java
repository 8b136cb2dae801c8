package dev.ferry.interop.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The client's own record of a key update, for when the capture cannot show it: tshark 4.0 loses the connection of a
 * client with zero-length connection IDs (quic-go's) and reports its short-header packets as "Unknown QUIC
 * connection", so it reads no key phase from them, although the server's packets in the same capture decrypt. The
 * client's qlog then tells whether it started a key update itself: a {@code security:key_updated} event with
 * {@code "trigger":"local_update"} for its 1-RTT secret.
 */
final class QlogKeyUpdate {
    private QlogKeyUpdate() {
    }

    /** Whether a qlog file under {@code qlogDir} records a key update the client started. */
    static boolean clientStartedOne(Path qlogDir) throws IOException {
        if (!Files.isDirectory(qlogDir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(qlogDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".qlog")).toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.contains("\"security:key_updated\"") && line.contains("\"trigger\":\"local_update\"")
                            && line.contains("client_1rtt_secret")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
