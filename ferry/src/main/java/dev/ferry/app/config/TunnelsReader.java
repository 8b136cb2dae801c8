package dev.ferry.app.config;

import dev.ferry.bridge.net.HostPort;
import dev.ferry.bridge.tunnel.Cidr;
import dev.ferry.bridge.tunnel.ConnectUdpTemplate;
import dev.ferry.bridge.tunnel.EgressPolicy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the {@code tunnels} section into a {@link TunnelsConfig}. Values that the tunnel code parses again when the
 * relay starts (the URI template, CIDRs, the port list) are checked here with that same code, so that a file
 * {@code ferry check} accepts cannot fail at start-up, and its messages name the key path.
 */
final class TunnelsReader {
    static final String KEYS = "connect, connect-udp, datagrams, uri-template, udp-idle-timeout, connect-timeout, "
            + "egress, auth, hosts, tcp-idle-timeout, dns-timeout";
    static final String CIDR_EXPECTED = "a CIDR such as 10.0.0.0/8 or 2001:db8::/32, or a single address";
    static final String TOKEN_HASH_EXPECTED = "64 hex digits, the SHA-256 of a token as printed by ferry token hash";
    static final String ADDRESS_EXPECTED = "an IPv4 or IPv6 address literal, or a list of them";
    static final String NO_CREDENTIALS = "required but no credentials configured (expected: tokens-sha256 or "
            + "client-ca, or required: false for an open relay)";
    private static final Pattern HEX64 = Pattern.compile("[0-9A-Fa-f]{64}");

    private TunnelsReader() {
    }

    /**
     * True when the section asks for CONNECT or CONNECT-UDP; reports nothing (the walk reports bad values later).
     * The loader needs this before it reads {@code origins}, which a tunnel-only relay may leave out.
     */
    static boolean enabledIn(ConfigNode node) {
        return node.child("connect").isTrue() || node.child("connect-udp").isTrue();
    }

    static TunnelsConfig read(ConfigNode node, Path baseDir) {
        TunnelsConfig d = TunnelsConfig.disabled();
        if (!node.isMap("a map with keys " + KEYS)) {
            return d;
        }
        node.allowKeys(KEYS.split(", "));
        boolean connect = node.child("connect").bool(d.connect());
        boolean connectUdp = node.child("connect-udp").bool(d.connectUdp());
        boolean datagrams = node.child("datagrams").bool(d.datagrams());
        String uriTemplate = readTemplate(node.child("uri-template"), d.uriTemplate());
        Duration udpIdle = node.child("udp-idle-timeout").duration(d.udpIdleTimeout());
        Duration connectTimeout = node.child("connect-timeout").duration(d.connectTimeout());
        TunnelsConfig.EgressConfig egress = readEgress(node.child("egress"));
        TunnelsConfig.AuthConfig auth = readAuth(node.child("auth"), connect || connectUdp, baseDir);
        Map<String, List<InetAddress>> hosts = readHosts(node.child("hosts"));
        Duration tcpIdle = node.child("tcp-idle-timeout").duration(d.tcpIdleTimeout());
        Duration dnsTimeout = node.child("dns-timeout").duration(d.dnsTimeout());
        return new TunnelsConfig(connect, connectUdp, datagrams, uriTemplate, udpIdle, connectTimeout, egress, auth,
                hosts, tcpIdle, dnsTimeout);
    }

    private static String readTemplate(ConfigNode node, String fallback) {
        String text = node.string(null, "a path with {target_host} and {target_port}", s -> true);
        if (text == null) {
            return fallback;
        }
        try {
            ConnectUdpTemplate.parse(text);
            return text;
        } catch (IllegalArgumentException e) {
            node.report(e.getMessage());
            return fallback;
        }
    }

    private static TunnelsConfig.EgressConfig readEgress(ConfigNode node) {
        TunnelsConfig.EgressConfig d = TunnelsConfig.EgressConfig.defaults();
        if (!node.isMap("a map with keys allow, deny, ports")) {
            return d;
        }
        node.allowKeys("allow", "deny", "ports");
        List<String> allow = readCidrs(node.child("allow"));
        List<String> deny = readCidrs(node.child("deny"));
        ConfigNode portsNode = node.child("ports");
        String ports = portsNode.string(null, "ports and ranges such as \"443,1024-65535\", or \"*\"", s -> true);
        if (ports == null) {
            ports = d.ports();
        } else {
            try {
                EgressPolicy.builder().allowPorts(ports);
            } catch (IllegalArgumentException e) {
                portsNode.report(e.getMessage());
                ports = d.ports();
            }
        }
        return new TunnelsConfig.EgressConfig(allow, deny, ports);
    }

    private static List<String> readCidrs(ConfigNode node) {
        List<String> out = new ArrayList<>();
        for (ConfigNode item : node.elements("a list of CIDRs such as [10.0.0.0/8, 2001:db8::/32]")) {
            String text = item.string(null, CIDR_EXPECTED, s -> true);
            if (text == null) {
                if (!item.present()) {
                    item.missing(CIDR_EXPECTED);
                }
                continue;
            }
            try {
                Cidr.parse(text);
                out.add(text.strip());
            } catch (IllegalArgumentException e) {
                item.report(e.getMessage());
            }
        }
        return out;
    }

    private static TunnelsConfig.AuthConfig readAuth(ConfigNode node, boolean enabled, Path baseDir) {
        TunnelsConfig.AuthConfig d = TunnelsConfig.AuthConfig.defaults();
        int before = node.problemCount();
        boolean present = node.isMap("a map with keys required, tokens-sha256, client-ca");
        if (node.problemCount() != before) {
            return d;
        }
        boolean required = d.required();
        List<String> tokens = new ArrayList<>();
        Path clientCa = null;
        if (present) {
            node.allowKeys("required", "tokens-sha256", "client-ca");
            required = node.child("required").bool(d.required());
            for (ConfigNode item : node.child("tokens-sha256").elements("a list of SHA-256 hashes in hex")) {
                String hash = item.string(null, TOKEN_HASH_EXPECTED, s -> HEX64.matcher(s).matches());
                if (hash != null) {
                    tokens.add(hash.toLowerCase(Locale.ROOT));
                } else if (!item.present()) {
                    item.missing(TOKEN_HASH_EXPECTED);
                }
            }
            clientCa = ListenerReader.readableFile(node.child("client-ca"), baseDir,
                    "a readable PEM file of the CA that issues client certificates");
        }
        // Not when a credential was written but is wrong: that problem is already reported, and is the one to fix.
        if (enabled && required && tokens.isEmpty() && clientCa == null && node.problemCount() == before) {
            node.report(NO_CREDENTIALS);
        }
        return new TunnelsConfig.AuthConfig(required, tokens, clientCa);
    }

    private static Map<String, List<InetAddress>> readHosts(ConfigNode node) {
        Map<String, List<InetAddress>> out = new LinkedHashMap<>();
        Map<String, ConfigNode> entries = new LinkedHashMap<>();
        if (node.present()) {
            entries = node.entries("a map of host name to IP address literal(s)");
        }
        Map<String, String> written = new LinkedHashMap<>();
        entries.forEach((name, item) -> {
            if (!HostPort.isHostName(name)) {
                item.report("not a host name (expected: a DNS name such as forbidden.test)");
                return;
            }
            String key = name.toLowerCase(Locale.ROOT);
            String earlier = written.putIfAbsent(key, name);
            if (earlier != null) {
                item.report("the same host as " + earlier + " (expected: each host name once, names ignore case)");
                return;
            }
            List<ConfigNode> literals = new ArrayList<>();
            if (!item.present()) {
                item.missing(ADDRESS_EXPECTED);
                return;
            }
            if (item.isList()) {
                literals.addAll(item.elements(ADDRESS_EXPECTED));
                if (literals.isEmpty()) {
                    item.problem("at least one IP address literal");
                    return;
                }
            } else {
                literals.add(item);
            }
            int before = item.problemCount();
            List<InetAddress> addresses = new ArrayList<>();
            for (ConfigNode literal : literals) {
                String text = literal.string(null, ADDRESS_EXPECTED, s -> true);
                if (text == null) {
                    if (!literal.present()) {
                        literal.missing(ADDRESS_EXPECTED);
                    }
                    continue;
                }
                try {
                    addresses.add(Cidr.parseAddress(text));
                } catch (IllegalArgumentException e) {
                    literal.report(e.getMessage());
                }
            }
            if (item.problemCount() == before) {
                out.put(key, List.copyOf(addresses));
            }
        });
        return out;
    }
}
