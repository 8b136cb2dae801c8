package dev.ferry.interop.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import tech.kwik.qpack.Decoder;

/**
 * Every packet of one network namespace, captured by {@code tcpdump} into a pcap file and read back with
 * {@code tshark}: what a party on that machine could have seen. Both tools are Wireshark's and tcpdump's own, not
 * ours, so what they report does not depend on the relay's code; HTTP/3 header sections of a decrypted capture
 * are decoded with kwik's QPACK decoder for the same reason.
 */
public final class PacketCapture implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(10);
    private final BackgroundProcess tcpdump;
    private final Path file;

    private PacketCapture(BackgroundProcess tcpdump, Path file) {
        this.tcpdump = tcpdump;
        this.file = file;
    }

    /** Starts capturing every interface of {@code namespace} into {@code dir/<name>.pcap}; returns once it runs. */
    public static PacketCapture start(String namespace, Path dir, String name) throws Exception {
        Path file = dir.resolve(name + ".pcap");
        BackgroundProcess tcpdump = BackgroundProcess.start(NetworkNamespaces.inside(namespace,
                // Immediate mode and a 64 MiB buffer: in a namespace, tcpdump's defaults were seen to capture nothing
                // or to drop thousands of packets of a transfer.
                List.of("tcpdump", "-i", "any", "-n", "-U", "--immediate-mode", "-B", "65536", "-s", "0", "-w",
                        file.toString())), dir, name + "-tcpdump");
        try {
            tcpdump.awaitOutput("listening on", STARTUP);
        } catch (AssertionError e) {
            tcpdump.close();
            throw e;
        }
        return new PacketCapture(tcpdump, file);
    }

    /** Stops the capture (tcpdump writes out what it holds on SIGTERM). */
    public void stop() {
        tcpdump.terminate(Duration.ofSeconds(5));
    }

    public Path file() {
        return file;
    }

    /** The IPv4 and IPv6 source and destination addresses of every captured packet. */
    public Set<String> addresses() throws IOException {
        Set<String> seen = new TreeSet<>();
        for (String line : tshark(List.of("-T", "fields", "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src",
                "-e", "ipv6.dst"), null)) {
            for (String field : line.split("[\t,]")) {
                if (!field.isBlank()) {
                    seen.add(field.trim());
                }
            }
        }
        return seen;
    }

    /** The source addresses of packets sent to UDP {@code port} (the listener of a relay). */
    public Set<String> sourcesTowardsUdpPort(int port) throws IOException {
        Set<String> seen = new TreeSet<>();
        for (String line : tshark(List.of("-Y", "udp.dstport == " + port, "-T", "fields", "-e", "ip.src",
                "-e", "ipv6.src"), null)) {
            for (String field : line.split("\t")) {
                if (!field.isBlank()) {
                    seen.add(field.trim());
                }
            }
        }
        return seen;
    }

    /** Number of captured packets that match a tshark display filter ({@code udp.dstport == 9999}). */
    public long packetsMatching(String displayFilter) throws IOException {
        return tshark(List.of("-Y", displayFilter, "-T", "fields", "-e", "frame.number"), null).size();
    }

    /** True when {@code text} (as ASCII) appears anywhere in the capture file, headers and payloads alike. */
    public boolean contains(String text) throws IOException {
        return ByteSearch.indexOf(Files.readAllBytes(file), text.getBytes(StandardCharsets.US_ASCII)) >= 0;
    }

    /**
     * The request heads (HEADERS frames that start a client-initiated bidirectional stream) of the QUIC
     * connections the capture holds, decrypted with the TLS secrets in {@code keylog}: what the party that owns
     * those secrets read. Each head is its fields in order, pseudo-header fields included.
     *
     * @param serverPort the UDP port of the server whose connections these are: only what was sent to it counts
     * @throws AssertionError when a stream's first bytes are not an HTTP/3 HEADERS frame kwik can decode
     */
    public List<List<Map.Entry<String, String>>> decryptedRequestHeads(Path keylog, int serverPort)
            throws IOException {
        // The first bytes of each client-initiated bidirectional stream (id % 4 == 0), by connection and stream.
        Map<String, String> streams = new LinkedHashMap<>();
        for (String line : tshark(List.of("-Y", "quic.stream_data && udp.dstport == " + serverPort, "-T", "fields",
                "-E", "occurrence=a", "-e", "quic.connection.number", "-e", "quic.stream.stream_id",
                "-e", "quic.stream.off", "-e", "quic.stream.offset", "-e", "quic.stream_data"), keylog)) {
            String[] f = line.split("\t", -1);
            if (f.length < 5) {
                continue;
            }
            String[] ids = f[1].split(",");
            String[] hasOffset = f[2].split(",");
            String[] offsets = f[3].split(",");
            String[] data = f[4].split(",");
            int offsetIndex = 0;
            for (int i = 0; i < ids.length && i < data.length; i++) {
                long offset = 0;
                // A STREAM frame without the OFF bit starts at 0 and has no offset field (RFC 9000 19.8).
                if (i < hasOffset.length && isSet(hasOffset[i])) {
                    offset = Long.parseLong(offsets[offsetIndex++].trim());
                }
                long id = Long.parseLong(ids[i].trim());
                if (id % 4 == 0 && offset == 0) {
                    streams.putIfAbsent(f[0] + "/" + id, data[i].trim());
                }
            }
        }
        List<List<Map.Entry<String, String>>> heads = new ArrayList<>();
        Decoder qpack = Decoder.newBuilder().build();
        for (Map.Entry<String, String> stream : streams.entrySet()) {
            byte[] bytes = HexFormat.of().parseHex(stream.getValue());
            ByteArrayInputStream in = new ByteArrayInputStream(bytes);
            long type = VarInts.read(in);
            long length = VarInts.read(in);
            if (type != 0x01 || length > in.available()) {
                throw new AssertionError("stream " + stream.getKey() + " does not start with a whole HEADERS frame: "
                        + stream.getValue());
            }
            byte[] section = in.readNBytes((int) length);
            heads.add(qpack.decodeStream(new ByteArrayInputStream(section)));
        }
        return heads;
    }

    private static boolean isSet(String flag) {
        String f = flag.trim();
        return f.equals("1") || f.equalsIgnoreCase("true");
    }

    private List<String> tshark(List<String> arguments, Path keylog) throws IOException {
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString()));
        if (keylog != null) {
            command.addAll(List.of("-o", "tls.keylog_file:" + keylog));
        }
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("tshark failed on " + file + ": " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new String(out, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public void close() {
        stop();
    }

    /** QUIC variable-length integers (RFC 9000 16), as HTTP/3 frame headers use them. */
    private static final class VarInts {
        static long read(ByteArrayInputStream in) {
            int first = in.read();
            if (first < 0) {
                return -1;
            }
            int extra = (1 << (first >> 6)) - 1;
            long value = first & 0x3f;
            for (int i = 0; i < extra; i++) {
                value = (value << 8) | in.read();
            }
            return value;
        }
    }
}
