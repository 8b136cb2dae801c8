package dev.ferry.app.config;

import dev.ferry.bridge.net.HostPort;
import dev.ferry.http3.QuicPacketSizes;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the {@code listeners} section into {@link ListenerConfig}s. */
final class ListenerReader {
    static final String ADDRESS_EXPECTED = "host:port or [v6]:port, port 0 for any free port";

    private ListenerReader() {
    }

    /**
     * @param defaultMaxUdpPayload {@code quic.max-udp-payload} where a listener leaves it out: smaller on a privacy
     *                             egress, whose packets must fit the ingress's tunnel datagrams
     */
    static List<ListenerConfig> read(ConfigNode node, Path baseDir, int defaultMaxUdpPayload) {
        if (!node.present()) {
            return List.of(withMaxUdpPayload(ListenerConfig.defaults(), defaultMaxUdpPayload));
        }
        List<ConfigNode> items = node.elements("a list of listeners");
        if (items.isEmpty()) {
            if (node.shown().equals("[]")) {
                node.problem("at least one listener, or leave listeners out for the default");
            }
            return List.of(withMaxUdpPayload(ListenerConfig.defaults(), defaultMaxUdpPayload));
        }
        List<ListenerConfig> out = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<InetSocketAddress, String> addresses = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            ConfigNode item = items.get(i);
            if (!item.isMap("a map with keys name, address, tls, quic, tcp")) {
                continue;
            }
            item.allowKeys("name", "address", "tls", "quic", "tcp");
            ListenerConfig l = readOne(item, i, baseDir, defaultMaxUdpPayload);
            String previous = names.putIfAbsent(l.name(), item.path());
            if (previous != null) {
                item.child("name").report(l.name() + " (expected: a name not already used by " + previous + ")");
            }
            if (l.address().getPort() != 0) {
                previous = addresses.putIfAbsent(l.address(), item.path());
                if (previous != null) {
                    item.child("address").report(HostPort.format(l.address())
                            + " (expected: an address not already used by " + previous + ")");
                }
            }
            out.add(l);
        }
        return out;
    }

    private static ListenerConfig withMaxUdpPayload(ListenerConfig l, int maxUdpPayload) {
        return new ListenerConfig(l.name(), l.address(), l.tls(), l.quic().withMaxUdpPayload(maxUdpPayload), l.tcp());
    }

    private static ListenerConfig readOne(ConfigNode item, int index, Path baseDir, int defaultMaxUdpPayload) {
        String name = item.child("name").string("listener-" + index, ConfigLoader.NAME_EXPECTED,
                ConfigLoader::isName);
        ConfigNode addressNode = item.child("address");
        InetSocketAddress address = ListenerConfig.defaultAddress();
        if (addressNode.present()) {
            String text = addressNode.string(null, ADDRESS_EXPECTED, s -> true);
            try {
                address = text == null ? address : HostPort.parse(text, true).toSocketAddress();
            } catch (IllegalArgumentException e) {
                addressNode.problem(ADDRESS_EXPECTED);
            }
        }
        return new ListenerConfig(name, address, readTls(item.child("tls"), baseDir),
                readQuic(item.child("quic"), baseDir, defaultMaxUdpPayload),
                readTcp(item.child("tcp")));
    }

    private static TcpConfig readTcp(ConfigNode tcp) {
        TcpConfig d = TcpConfig.defaults();
        if (!tcp.isMap("a map with keys enabled, address, alt-svc, alt-svc-max-age")) {
            return d;
        }
        tcp.allowKeys("enabled", "address", "alt-svc", "alt-svc-max-age");
        boolean enabled = tcp.child("enabled").bool(d.enabled());
        InetSocketAddress address = null;
        ConfigNode addressNode = tcp.child("address");
        if (addressNode.present()) {
            String text = addressNode.string(null, ADDRESS_EXPECTED, s -> true);
            try {
                address = text == null ? null : HostPort.parse(text, true).toSocketAddress();
            } catch (IllegalArgumentException e) {
                addressNode.problem(ADDRESS_EXPECTED);
            }
        }
        boolean altSvc = tcp.child("alt-svc").bool(d.altSvc());
        Duration maxAge = tcp.child("alt-svc-max-age").duration(d.altSvcMaxAge());
        return new TcpConfig(enabled, address, altSvc, maxAge);
    }

    private static TlsFilesConfig readTls(ConfigNode tls, Path baseDir) {
        if (!tls.isMap("a map with keys certificate, private-key, keylog-file")) {
            return TlsFilesConfig.defaults();
        }
        tls.allowKeys("certificate", "private-key", "keylog-file");
        Path keylog = tls.child("keylog-file").file(null, baseDir);
        ConfigNode certNode = tls.child("certificate");
        ConfigNode keyNode = tls.child("private-key");
        Path cert = readableFile(certNode, baseDir, "a readable PEM certificate file");
        Path key = readableFile(keyNode, baseDir, "a readable PEM private key file");
        if (certNode.present() && !keyNode.present()) {
            keyNode.missing("a PEM private key file, since certificate is set; set both or neither");
        } else if (keyNode.present() && !certNode.present()) {
            certNode.missing("a PEM certificate file, since private-key is set; set both or neither");
        }
        return cert != null && key != null ? new TlsFilesConfig(cert, key, keylog)
                : new TlsFilesConfig(null, null, keylog);
    }

    /** A file that must exist now: a missing certificate should fail {@code ferry check}, not the first client. */
    static Path readableFile(ConfigNode node, Path baseDir, String expected) {
        Path file = node.file(null, baseDir);
        if (file == null) {
            return null;
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            node.problem(expected + ", looked for " + file);
            return null;
        }
        return file;
    }

    /** A directory for qlog files: created if missing, refused if it cannot be written. */
    private static java.nio.file.Path readQlogDir(ConfigNode node, Path baseDir) {
        java.nio.file.Path dir = node.file(null, baseDir);
        if (dir == null) {
            return null;
        }
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException | SecurityException e) {
            node.problem("a directory the relay can write qlog files into, could not create " + dir);
            return null;
        }
        if (!Files.isWritable(dir)) {
            node.problem("a directory the relay can write qlog files into, " + dir + " is not writable");
            return null;
        }
        return dir;
    }

    private static QuicConfig readQuic(ConfigNode quic, Path baseDir, int defaultMaxUdpPayload) {
        QuicConfig d = QuicConfig.defaults().withMaxUdpPayload(defaultMaxUdpPayload);
        if (!quic.isMap("a map with keys max-idle-timeout, initial-max-data, initial-max-stream-data, "
                + "max-concurrent-streams, max-field-section-size, max-udp-payload, address-validation, early-data, "
                + "application-protocol, qlog-dir")) {
            return d;
        }
        quic.allowKeys("max-idle-timeout", "initial-max-data", "initial-max-stream-data", "max-concurrent-streams",
                "max-field-section-size", "max-udp-payload", "address-validation", "early-data",
                "application-protocol", "qlog-dir");
        Duration idle = quic.child("max-idle-timeout").duration(d.maxIdleTimeout());
        long maxData = quic.child("initial-max-data").size(d.initialMaxData(), QuicConfig.MAX_VARINT);
        long maxStreamData = quic.child("initial-max-stream-data").size(d.initialMaxStreamData(),
                QuicConfig.MAX_VARINT);
        long streams = quic.child("max-concurrent-streams").integer(d.maxConcurrentStreams(), 1,
                QuicConfig.MAX_STREAMS, "an integer from 1 to 2^60");
        ConfigNode fieldNode = quic.child("max-field-section-size");
        long fieldSection = fieldNode.size(d.maxFieldSectionSize(), QuicConfig.MAX_FIELD_SECTION_SIZE);
        if (fieldSection < QuicConfig.MIN_FIELD_SECTION_SIZE) {
            fieldNode.problem("a size from 4KiB to 1MiB");
            fieldSection = d.maxFieldSectionSize();
        }
        long udpPayload = quic.child("max-udp-payload").integer(d.maxUdpPayload(), QuicPacketSizes.QUIC_MINIMUM,
                QuicConfig.MAX_UDP_PAYLOAD, "an integer from 1200 to 65527 (bytes of UDP payload)");
        return new QuicConfig(idle, maxData, maxStreamData, streams, fieldSection, (int) udpPayload,
                readAddressValidation(quic.child("address-validation")),
                quic.child("early-data").bool(d.earlyData()),
                quic.child("application-protocol").choice(d.applicationProtocol(), QuicConfig.APPLICATION_PROTOCOLS),
                readQlogDir(quic.child("qlog-dir"), baseDir));
    }

    private static AddressValidationConfig readAddressValidation(ConfigNode node) {
        AddressValidationConfig d = AddressValidationConfig.defaults();
        if (!node.isMap("a map with keys mode, auto-above, token-lifetime")) {
            return d;
        }
        node.allowKeys("mode", "auto-above", "token-lifetime");
        String mode = node.child("mode").choice(d.mode(), AddressValidationConfig.MODES);
        long above = node.child("auto-above").integer(d.autoAbove(), 1, Long.MAX_VALUE,
                "a number of handshakes per second, at least 1");
        Duration lifetime = node.child("token-lifetime").duration(d.tokenLifetime());
        return new AddressValidationConfig(mode, above, lifetime);
    }
}
