package dev.ferry.tools.bench;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one run: counts, rates, errors by kind and the latency histogram (microseconds). It prints itself
 * for people and as JSON for scripts; the JSON is written by hand because its shape is flat and fixed, which is not
 * worth a dependency of the command-line tool.
 *
 * @param url               what was requested
 * @param description       the load, from {@link BenchOptions#describe()}
 * @param connections       connections that completed the handshake
 * @param requests          exchanges that ended with a status below 400 and a FIN
 * @param bodyBytes         response body bytes received while measuring
 * @param uploadedBytes     request body bytes of the counted requests
 * @param elapsedSeconds    from the end of warm-up until the last counted exchange ended
 * @param errors            error counts by kind: {@code status-NNN}, {@code reset}, {@code timeout}, {@code connect},
 *                          {@code connection-closed}, {@code other}
 * @param latencyMicros     latency of the counted requests
 * @param clientCpuSeconds  CPU time the benchmark process itself used, to tell when the client is the bottleneck
 * @param serverCpuSeconds  CPU time of the watched server process ({@code --cpu-pid}) during the measured window,
 *                          -1 when none was watched
 * @param packets           QUIC packets the client sent and received in the measured window, from quiche's
 *                          connection statistics
 */
public record BenchResult(String url, String description, int connections, long requests, long bodyBytes,
                          long uploadedBytes, double elapsedSeconds, Map<String, Long> errors,
                          Histogram latencyMicros, double clientCpuSeconds, double serverCpuSeconds,
                          PacketCount packets) {

    /**
     * QUIC packets in the measured window, summed over the connections; -1 each when unknown.
     *
     * @param sent     packets the client sent (requests, ACKs)
     * @param received packets the client received: what the server sent it, less any lost on the way
     */
    public record PacketCount(long sent, long received) {
        public static final PacketCount UNKNOWN = new PacketCount(-1, -1);

        /** The counts of this window, given the counts at its start. */
        public PacketCount since(PacketCount start) {
            return sent < 0 || start.sent < 0 ? UNKNOWN : new PacketCount(sent - start.sent, received - start.received);
        }
    }

    /** Packets the server sent per counted request, or -1. */
    public double serverPacketsPerRequest() {
        return packets.received() < 0 || requests == 0 ? -1 : (double) packets.received() / requests;
    }

    /** Packets the client sent per counted request, or -1. */
    public double clientPacketsPerRequest() {
        return packets.sent() < 0 || requests == 0 ? -1 : (double) packets.sent() / requests;
    }

    static final double[] PERCENTILES = {50, 90, 99, 99.9};

    public double requestsPerSecond() {
        return elapsedSeconds > 0 ? requests / elapsedSeconds : 0;
    }

    public double bodyBytesPerSecond() {
        return elapsedSeconds > 0 ? bodyBytes / elapsedSeconds : 0;
    }

    public double uploadedBytesPerSecond() {
        return elapsedSeconds > 0 ? uploadedBytes / elapsedSeconds : 0;
    }

    /** Server CPU milliseconds per counted request, or -1. */
    public double serverCpuMillisPerRequest() {
        return serverCpuSeconds < 0 || requests == 0 ? -1 : serverCpuSeconds * 1000 / requests;
    }

    /** Server CPU seconds per GiB of body moved (received plus sent), or -1. */
    public double serverCpuSecondsPerGiB() {
        double gib = (bodyBytes + uploadedBytes) / (double) (1L << 30);
        return serverCpuSeconds < 0 || gib == 0 ? -1 : serverCpuSeconds / gib;
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The latency at {@code percentile} (0 to 100) in milliseconds; 0 when nothing was measured. */
    public double latencyMillis(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxLatencyMillis() {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMaxValue() / 1000.0;
    }

    /** Writes the histogram in HdrHistogram's percentile-distribution format, values in milliseconds. */
    public void writeHistogram(PrintStream out) {
        latencyMicros.outputPercentileDistribution(out, 1000.0);
    }

    /** The human-readable summary. */
    public void print(PrintStream out) {
        out.println("ferry bench " + url);
        out.println("  " + description);
        out.printf(Locale.ROOT, "  connections  %d%n", connections);
        out.printf(Locale.ROOT, "  requests     %d in %.2fs, %.1f req/s%n", requests, elapsedSeconds,
                requestsPerSecond());
        out.printf(Locale.ROOT, "  received     %s, %s/s%n", bytes(bodyBytes), bytes(bodyBytesPerSecond()));
        if (uploadedBytes > 0) {
            out.printf(Locale.ROOT, "  sent         %s, %s/s%n", bytes(uploadedBytes), bytes(uploadedBytesPerSecond()));
        }
        out.printf(Locale.ROOT, "  latency ms   p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
                latencyMillis(50), latencyMillis(90), latencyMillis(99), latencyMillis(99.9), maxLatencyMillis());
        out.printf(Locale.ROOT, "  errors       %d%s%n", errorCount(), errors.isEmpty() ? "" : " " + errors);
        out.printf(Locale.ROOT, "  client cpu   %.2fs%n", clientCpuSeconds);
        if (serverCpuSeconds >= 0) {
            out.printf(Locale.ROOT, "  server cpu   %.2fs, %.4f ms/request, %.2f s/GiB%n", serverCpuSeconds,
                    serverCpuMillisPerRequest(), serverCpuSecondsPerGiB());
        }
        if (packets.sent() >= 0) {
            out.printf(Locale.ROOT, "  packets      %.2f per request from the server, %.2f from the client%n",
                    serverPacketsPerRequest(), clientPacketsPerRequest());
        }
    }

    /** One JSON object on one line. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(512).append('{');
        field(sb, "url", url).append(',');
        field(sb, "description", description).append(',');
        sb.append("\"connections\":").append(connections).append(',');
        sb.append("\"requests\":").append(requests).append(',');
        sb.append("\"elapsed_seconds\":").append(num(elapsedSeconds)).append(',');
        sb.append("\"requests_per_second\":").append(num(requestsPerSecond())).append(',');
        sb.append("\"body_bytes\":").append(bodyBytes).append(',');
        sb.append("\"body_bytes_per_second\":").append(num(bodyBytesPerSecond())).append(',');
        sb.append("\"uploaded_bytes\":").append(uploadedBytes).append(',');
        sb.append("\"uploaded_bytes_per_second\":").append(num(uploadedBytesPerSecond())).append(',');
        sb.append("\"latency_ms\":{");
        for (double p : PERCENTILES) {
            sb.append("\"p").append(p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p))
                    .append("\":").append(num(latencyMillis(p))).append(',');
        }
        sb.append("\"max\":").append(num(maxLatencyMillis())).append(',');
        sb.append("\"mean\":").append(num(latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMean() / 1000))
                .append("},");
        sb.append("\"errors\":{");
        boolean first = true;
        for (Map.Entry<String, Long> e : errors.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            field(sb, e.getKey(), null).append(e.getValue());
        }
        sb.append("},\"error_count\":").append(errorCount()).append(',');
        sb.append("\"client_cpu_seconds\":").append(num(clientCpuSeconds)).append(',');
        sb.append("\"server_cpu_seconds\":").append(num(serverCpuSeconds)).append(',');
        sb.append("\"server_cpu_ms_per_request\":").append(num(serverCpuMillisPerRequest())).append(',');
        sb.append("\"server_cpu_seconds_per_gib\":").append(num(serverCpuSecondsPerGiB())).append(',');
        sb.append("\"client_packets_sent\":").append(packets.sent()).append(',');
        sb.append("\"client_packets_received\":").append(packets.received()).append(',');
        sb.append("\"server_packets_per_request\":").append(num(serverPacketsPerRequest())).append(',');
        sb.append("\"client_packets_per_request\":").append(num(clientPacketsPerRequest()));
        return sb.append('}').toString();
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        quote(sb, name).append(':');
        return value == null ? sb : quote(sb, value);
    }

    private static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, Math.abs(v) < 1 ? "%.6f" : "%.3f", v) : "0";
    }

    static String bytes(double n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (n >= 1024 && u < units.length - 1) {
            n /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.2f %s", n, units[u]);
    }
}
