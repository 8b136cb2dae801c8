package dev.ferry.interop.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * An endpoint's own record (its qlog) of what a capture cannot show. tshark 4.0 loses a connection whose client
 * changes address or uses zero-length connection IDs (quic-go's): it marks the client's short-header packets
 * "Unknown QUIC connection" and reads nothing in them, nor in the server's packets to a new address, although the
 * key log holds every secret. Two checks then fall back on the endpoints' qlogs:
 * <ul>
 *   <li>keyupdate: the client's {@code security:key_updated} event with {@code "trigger":"local_update"} for its
 *       1-RTT secret, a key update it started;</li>
 *   <li>rebind-port, rebind-addr: the server's {@code transport:packet_sent} events carrying a
 *       {@code path_challenge} frame, one at least per new client path the capture shows.</li>
 * </ul>
 */
final class QlogEvidence {
    private QlogEvidence() {
    }

    /** Whether a qlog file under {@code qlogDir} records a key update the client started. */
    static boolean clientStartedKeyUpdate(Path qlogDir) throws IOException {
        return lines(qlogDir).stream().anyMatch(line -> line.contains("\"security:key_updated\"")
                && line.contains("\"trigger\":\"local_update\"") && line.contains("client_1rtt_secret"));
    }

    /** How many packets the qlogs under {@code qlogDir} record sent with a PATH_CHALLENGE frame. */
    static long pathChallengesSent(Path qlogDir) throws IOException {
        return lines(qlogDir).stream().filter(line -> line.contains("packet_sent")
                && line.contains("\"frame_type\":\"path_challenge\"")).count();
    }

    private static List<String> lines(Path qlogDir) throws IOException {
        if (!Files.isDirectory(qlogDir)) {
            return List.of();
        }
        List<String> all = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.list(qlogDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".qlog")).toList()) {
                all.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
        }
        return all;
    }
}
