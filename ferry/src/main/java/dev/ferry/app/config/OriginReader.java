package dev.ferry.app.config;

import dev.ferry.bridge.net.HostPort;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads the {@code origins} section into {@link OriginConfig}s, keyed by name in file order. */
final class OriginReader {
    static final String ENDPOINTS_EXPECTED = "a list of host:port";
    static final String ENDPOINT_EXPECTED = "host:port or [v6]:port such as 127.0.0.1:8080";
    private static final List<String> PROTOCOLS = List.of("h1", "h2", "h2c", "h3", "files");
    static final String ROOT_EXPECTED = "a readable directory whose files the relay serves";

    private OriginReader() {
    }

    /**
     * Reads {@code origins}. {@code required}: at least one origin is needed, which is so unless tunnels are
     * enabled (a tunnel-only relay answers plain requests 404).
     */
    static Map<String, OriginConfig> read(ConfigNode node, Path baseDir, boolean required) {
        Map<String, OriginConfig> out = new LinkedHashMap<>();
        if (!node.present()) {
            if (required) {
                node.missing("a map of origin name to origin; a configuration needs at least one, unless tunnels "
                        + "are enabled");
            }
            return out;
        }
        Map<String, ConfigNode> entries = node.entries("a map of origin name to origin");
        if (required && entries.isEmpty() && node.shown().equals("{}")) {
            node.problem("at least one origin, unless tunnels are enabled");
        }
        entries.forEach((name, item) -> {
            if (!ConfigLoader.isName(name)) {
                problemWithKey(item, name);
                return;
            }
            if (!item.isMap("a map with keys protocol, endpoints, tls, timeouts, pool, load-balancing, health-check")) {
                if (!item.present()) {
                    item.child("endpoints").missing(ENDPOINTS_EXPECTED);
                }
                return;
            }
            int before = item.problemCount();
            OriginProtocol protocol = OriginProtocol.valueOf(
                    item.child("protocol").choice("h1", PROTOCOLS).toUpperCase(Locale.ROOT));
            if (protocol == OriginProtocol.FILES) {
                item.allowKeys("protocol", "root");
                Path root = readRoot(item.child("root"), baseDir);
                if (item.problemCount() == before) {
                    out.put(name, OriginConfig.files(name, root));
                }
                return;
            }
            item.allowKeys("protocol", "endpoints", "tls", "timeouts", "pool", "load-balancing", "health-check");
            List<InetSocketAddress> endpoints = readEndpoints(item.child("endpoints"));
            OriginTlsConfig tls = readTls(item.child("tls"), protocol, baseDir);
            TimeoutsConfig timeouts = readTimeouts(item.child("timeouts"));
            PoolConfig pool = readPool(item.child("pool"));
            dev.ferry.origin.LoadBalancing balancing = endpoints == null ? null : BalancingReader.read(
                    item.child("load-balancing"), item.child("health-check"), endpoints.size(), protocol);
            if (item.problemCount() == before) {
                out.put(name, new OriginConfig(name, protocol, endpoints, tls, timeouts, pool, null, balancing));
            }
        });
        return out;
    }

    /** A files origin's directory, relative to the configuration file's directory unless absolute. */
    private static Path readRoot(ConfigNode node, Path baseDir) {
        if (!node.present()) {
            node.missing(ROOT_EXPECTED);
            return null;
        }
        Path root = node.file(null, baseDir);
        if (root == null) {
            return null;
        }
        if (!Files.isDirectory(root) || !Files.isReadable(root)) {
            node.problem(ROOT_EXPECTED + ", looked for " + root);
            return null;
        }
        return root;
    }

    private static void problemWithKey(ConfigNode item, String name) {
        item.report("not a valid origin name (expected: " + ConfigLoader.NAME_EXPECTED + ")");
    }

    private static List<InetSocketAddress> readEndpoints(ConfigNode node) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (!node.present()) {
            node.missing(ENDPOINTS_EXPECTED);
            return out;
        }
        List<ConfigNode> items = node.elements(ENDPOINTS_EXPECTED);
        if (items.isEmpty() && node.shown().equals("[]")) {
            node.problem("at least one host:port");
        }
        for (ConfigNode item : items) {
            String text = item.string(null, ENDPOINT_EXPECTED, s -> true);
            if (text == null) {
                if (!item.present()) {
                    item.missing(ENDPOINT_EXPECTED);
                }
                continue;
            }
            try {
                out.add(HostPort.parse(text, false).toSocketAddress());
            } catch (IllegalArgumentException e) {
                item.problem(ENDPOINT_EXPECTED);
            }
        }
        return out;
    }

    /**
     * Reads origin TLS and refuses settings that would be silently ignored: TLS keys on an origin that does not use
     * TLS, or {@code enabled} contradicting a protocol that fixes it. A setting that does nothing is a bug waiting.
     */
    private static OriginTlsConfig readTls(ConfigNode tls, OriginProtocol protocol, Path baseDir) {
        // h2 and h3 always use TLS.
        boolean h2 = protocol == OriginProtocol.H2 || protocol == OriginProtocol.H3;
        OriginTlsConfig d = OriginTlsConfig.defaults();
        if (!tls.isMap("a map with keys enabled, verify, ca-file, server-name")) {
            return new OriginTlsConfig(h2, d.verify(), null, null);
        }
        tls.allowKeys("enabled", "verify", "ca-file", "server-name");
        ConfigNode enabledNode = tls.child("enabled");
        boolean enabled = enabledNode.bool(h2);
        if (h2 && !enabled) {
            enabledNode.problem("true or leave it out, since " + protocol.configName()
                    + " always uses TLS" + (protocol == OriginProtocol.H2 ? "; use h2c for cleartext" : ""));
            enabled = true;
        } else if (protocol == OriginProtocol.H2C && enabled) {
            enabledNode.problem("false or leave it out, since h2c never uses TLS; use h2 for TLS");
            enabled = false;
        }
        boolean verify = tls.child("verify").bool(d.verify());
        Path caFile = ListenerReader.readableFile(tls.child("ca-file"), baseDir,
                "a readable PEM file of CA certificates");
        String serverName = tls.child("server-name").string(null, "a DNS host name", HostPort::isHostName);
        if (!enabled) {
            for (String key : List.of("verify", "ca-file", "server-name")) {
                ConfigNode n = tls.child(key);
                if (n.present()) {
                    n.report("set, but this origin does not use TLS (expected: tls.enabled: true, protocol h2, or no "
                            + key + ")");
                }
            }
        }
        return new OriginTlsConfig(enabled, verify, caFile, serverName == null ? null
                : serverName.toLowerCase(Locale.ROOT));
    }

    private static TimeoutsConfig readTimeouts(ConfigNode node) {
        TimeoutsConfig d = TimeoutsConfig.defaults();
        if (!node.isMap("a map with keys connect, response, idle")) {
            return d;
        }
        node.allowKeys("connect", "response", "idle");
        return new TimeoutsConfig(node.child("connect").duration(d.connect()),
                node.child("response").duration(d.response()), node.child("idle").duration(d.idle()));
    }

    private static PoolConfig readPool(ConfigNode node) {
        PoolConfig d = PoolConfig.defaults();
        if (!node.isMap("a map with keys max-connections-per-loop, max-idle-per-loop, idle-timeout, "
                + "max-pending-per-loop")) {
            return d;
        }
        node.allowKeys("max-connections-per-loop", "max-idle-per-loop", "idle-timeout", "max-pending-per-loop");
        int max = (int) node.child("max-connections-per-loop").integer(d.maxConnectionsPerLoop(), 1,
                Integer.MAX_VALUE, "an integer >= 1");
        ConfigNode idleNode = node.child("max-idle-per-loop");
        int idle = (int) idleNode.integer(Math.min(d.maxIdlePerLoop(), max), 0, Integer.MAX_VALUE,
                "an integer >= 0");
        if (idle > max) {
            idleNode.problem("at most max-connections-per-loop, " + max);
            idle = max;
        }
        int pending = (int) node.child("max-pending-per-loop").integer(d.maxPendingPerLoop(), 0, Integer.MAX_VALUE,
                "an integer >= 0");
        return new PoolConfig(max, idle, node.child("idle-timeout").duration(d.idleTimeout()), pending);
    }
}
