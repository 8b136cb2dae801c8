package dev.ferry.app.config;

import dev.ferry.http3.QuicPacketSizes;
import dev.ferry.bridge.net.HostPort;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a Ferry YAML configuration file into a {@link FerryConfig}.
 *
 * <p>The YAML is parsed into a Jackson tree and walked by hand rather than bound to the records. Binding would stop at
 * the first error and word it in Jackson's terms ("Cannot deserialize value of type..."); walking the tree gives each
 * problem its exact key path and a message in the file's own vocabulary, and lets the loader report every problem in
 * one run. The walk is split by section: {@link ListenerReader}, {@link OriginReader}, {@link TunnelsReader},
 * {@link AccessLogReader}, {@link PrivacyReader}, and routes and headers here.
 *
 * <p>Defaults fill omitted keys, but an empty file is refused: a configuration without origins (and without tunnels)
 * has nowhere to send requests, and an empty file is more likely a failed template or a wrong path than a wish for
 * all defaults. A relay with tunnels enabled may leave origins out; its plain requests are then answered 404.
 */
public final class ConfigLoader {
    static final String NAME_EXPECTED = "letters, digits, - and _, starting with a letter or digit";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    /** An RFC 9110 token that is also a valid RFC 8941 sf-token, as Via and Proxy-Status both need. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,63}");
    private static final Pattern PATH_PREFIX = Pattern.compile("/[^\\s?#]*");
    private static final String AT_LEAST = "a YAML map with at least origins or tunnels";
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigLoader() {
    }

    /**
     * Reads and validates {@code file}. Relative paths inside it are taken from the file's directory.
     *
     * @throws ConfigException listing every problem, including an unreadable file
     */
    public static FerryConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of(file + ": no such file"));
        } catch (MalformedInputException e) {
            throw new ConfigException(file.toString(), List.of(file + ": not UTF-8 text"));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(file + ": cannot read (" + e + ")"));
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), dir == null ? Path.of("").toAbsolutePath() : dir);
    }

    /**
     * Parses configuration text. {@code sourceName} labels problems about the file as a whole; relative paths are
     * taken from the working directory.
     *
     * @throws ConfigException listing every problem
     */
    public static FerryConfig parse(String yaml, String sourceName) {
        return parse(yaml, sourceName, Path.of("").toAbsolutePath());
    }

    static FerryConfig parse(String yaml, String sourceName, Path baseDir) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(sourceName, List.of(syntaxError(sourceName, e)));
        }
        List<String> problems = new ArrayList<>();
        ConfigNode root = ConfigNode.root(tree, sourceName, problems);
        if (!root.present()) {
            root.report("empty (expected: " + AT_LEAST + "; defaults are not applied to an empty file)");
            throw new ConfigException(sourceName, problems);
        }
        if (!root.isMap(AT_LEAST)) {
            throw new ConfigException(sourceName, problems);
        }
        root.allowKeys("proxy-name", "state-dir", "event-loops", "listeners", "routes", "origins", "headers",
                "access-log", "tunnels", "errors", "timeouts", "plugin-path", "hooks", "privacy", "admin", "warm-up");
        FerryConfig d = FerryConfig.defaults(ListenerConfig.defaultAddress());
        String proxyName = root.child("proxy-name").string(d.proxyName(),
                "a token: a letter, then letters, digits or !#$%&'*+-.^_`|~", s -> TOKEN.matcher(s).matches());
        Path stateDir = root.child("state-dir").file(d.stateDir(), baseDir);
        int eventLoops = (int) root.child("event-loops").integer(0, 0, 4096,
                "an integer from 0 to 4096; 0 means one per core");
        // Read ahead of the privacy section (quietly; it is checked in its turn) so that problems stay in file order.
        boolean egress = root.child("privacy").child("role").isText(PrivacyConfig.EGRESS);
        List<ListenerConfig> listeners = ListenerReader.read(root.child("listeners"), baseDir,
                egress ? QuicPacketSizes.EGRESS_MAX_UDP_PAYLOAD : QuicPacketSizes.DEFAULT_MAX_UDP_PAYLOAD);
        List<String> originNames = root.child("origins").keys();
        boolean tunnelOnly = TunnelsReader.enabledIn(root.child("tunnels"));
        HookCatalog catalog = readPluginPath(root.child("plugin-path"), baseDir);
        List<RouteConfig> routes = readRoutes(root.child("routes"), originNames, tunnelOnly, catalog);
        Map<String, OriginConfig> origins = OriginReader.read(root.child("origins"), baseDir, !tunnelOnly);
        HeadersConfig headers = readHeaders(root.child("headers"));
        AccessLogConfig accessLog = AccessLogReader.read(root.child("access-log"), baseDir);
        TunnelsConfig tunnels = TunnelsReader.read(root.child("tunnels"), baseDir);
        List<HookConfig> hooks = HooksReader.read(root.child("hooks"), catalog, true,
                tunnels.enabled() && tunnels.auth().required());
        PrivacyConfig privacy = PrivacyReader.read(root.child("privacy"), tunnels);
        headers = PrivacyReader.constrainHeaders(privacy, root.child("headers"), headers);
        PrivacyReader.constrainAccessLog(privacy, root.child("access-log"), accessLog);
        ErrorsConfig errors = readErrors(root.child("errors"));
        ExchangeTimeoutsConfig timeouts = readTimeouts(root.child("timeouts"));
        AdminConfig admin = readAdmin(root.child("admin"));
        WarmUpConfig warmUp = readWarmUp(root.child("warm-up"));
        if (!problems.isEmpty()) {
            throw new ConfigException(sourceName, problems);
        }
        return new FerryConfig(proxyName, stateDir, eventLoops, listeners, routes, origins, headers, accessLog,
                tunnels, errors, timeouts, hooks, privacy, admin, warmUp);
    }

    static boolean isName(String s) {
        return NAME.matcher(s).matches();
    }

    /**
     * One line for a YAML syntax error. SnakeYAML's own mark and problem text are preferred when present: they
     * point at the offending token, where Jackson's first line often names only the construct being parsed.
     */
    private static String syntaxError(String sourceName, JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null && y.getProblem() != null) {
            String context = y.getContext() == null ? "" : " (" + y.getContext()
                    + (y.getContextMark() == null ? "" : " started at line " + (y.getContextMark().getLine() + 1))
                    + ")";
            return sourceName + ": line " + (y.getProblemMark().getLine() + 1) + ", column "
                    + (y.getProblemMark().getColumn() + 1) + ": invalid YAML: " + y.getProblem() + context;
        }
        String detail = e.getOriginalMessage();
        int newline = detail.indexOf('\n');
        detail = (newline < 0 ? detail : detail.substring(0, newline)).trim();
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? ""
                : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
        return sourceName + ": " + where + "invalid YAML: " + detail;
    }

    /**
     * Reads {@code routes}. {@code tunnelOnly}: tunnels are enabled, so that no origins is a valid configuration
     * rather than the problem to report, and a route then has no origin it could name.
     */
    /**
     * The hook factories available: Ferry's own, and those in the jars of {@code plugin-path} (a directory) when it
     * is set. Factories that cannot be used are reported under {@code plugin-path}.
     */
    private static HookCatalog readPluginPath(ConfigNode node, Path baseDir) {
        Path dir = node.file(null, baseDir);
        HookCatalog catalog;
        if (dir == null) {
            catalog = HookCatalog.classPath();
        } else if (!java.nio.file.Files.isDirectory(dir)) {
            node.problem("a directory of plugin jars (" + dir + " is not a directory)");
            catalog = HookCatalog.classPath();
        } else {
            try {
                catalog = HookCatalog.withPlugins(dir);
            } catch (java.io.UncheckedIOException e) {
                node.report("cannot list " + dir + ": " + e.getCause().getMessage());
                catalog = HookCatalog.classPath();
            }
        }
        catalog.problems().forEach(node::report);
        return catalog;
    }

    private static List<RouteConfig> readRoutes(ConfigNode node, List<String> originNames, boolean tunnelOnly,
                                                HookCatalog catalog) {
        List<RouteConfig> out = new ArrayList<>();
        int before = node.problemCount();
        String originExpected = originNames.isEmpty() && tunnelOnly
                ? "the name of an origin, but origins lists none"
                : "the name of an origin: " + String.join(", ", originNames);
        for (ConfigNode item : node.elements("a list of routes")) {
            if (!item.isMap("a map with keys authority, path-prefix, origin, hooks")) {
                continue;
            }
            item.allowKeys("authority", "path-prefix", "origin", "hooks");
            int itemBefore = item.problemCount();
            String authority = item.child("authority").string(RouteConfig.ANY_AUTHORITY,
                    "an exact host, *.suffix or *", ConfigLoader::isAuthority);
            String prefix = item.child("path-prefix").string(RouteConfig.ROOT_PREFIX,
                    "a path starting with / (no query)", s -> PATH_PREFIX.matcher(s).matches());
            ConfigNode originNode = item.child("origin");
            // With no origins declared, that is the problem to report, not every route's origin.
            String origin = originNode.string(null, originExpected,
                    name -> (originNames.isEmpty() && !tunnelOnly) || originNames.contains(name));
            if (!originNode.present()) {
                originNode.missing(originExpected);
            }
            List<HookConfig> hooks = HooksReader.read(item.child("hooks"), catalog, false, false);
            if (item.problemCount() == itemBefore) {
                out.add(new RouteConfig(authority, prefix, origin, hooks));
            }
        }
        if (out.isEmpty() && originNames.size() > 1 && node.problemCount() == before) {
            String expected = "at least one route, since there is more than one origin";
            if (node.present()) {
                node.problem(expected);
            } else {
                node.missing(expected);
            }
        }
        return out;
    }

    private static boolean isAuthority(String s) {
        return s.equals(RouteConfig.ANY_AUTHORITY)
                || (s.startsWith("*.") && HostPort.isHostName(s.substring(2)))
                || HostPort.isHostName(s) || HostPort.isIpLiteral(s);
    }

    private static HeadersConfig readHeaders(ConfigNode node) {
        HeadersConfig d = HeadersConfig.defaults();
        if (!node.isMap("a map with keys via, forwarding, forwarding-style, strip")) {
            return d;
        }
        node.allowKeys("via", "forwarding", "forwarding-style", "strip");
        List<String> strip = new ArrayList<>();
        for (ConfigNode name : node.child("strip").elements("a list of field names")) {
            String text = name.string(null, "a field name (a token)", dev.ferry.bridge.headers.FieldSyntax::isToken);
            if (text != null) {
                strip.add(text.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return new HeadersConfig(node.child("via").bool(d.via()),
                node.child("forwarding").choice(d.forwarding(), HeadersConfig.FORWARDING),
                node.child("forwarding-style").choice(d.forwardingStyle(), HeadersConfig.FORWARDING_STYLES), strip);
    }

    private static ExchangeTimeoutsConfig readTimeouts(ConfigNode node) {
        ExchangeTimeoutsConfig d = ExchangeTimeoutsConfig.defaults();
        if (!node.isMap("a map with keys request-head, hook-decision")) {
            return d;
        }
        node.allowKeys("request-head", "hook-decision");
        return new ExchangeTimeoutsConfig(node.child("request-head").duration(d.requestHead()),
                node.child("hook-decision").duration(d.hookDecision()));
    }

    private static ErrorsConfig readErrors(ConfigNode node) {
        ErrorsConfig d = ErrorsConfig.defaults();
        if (!node.isMap("a map with key details")) {
            return d;
        }
        node.allowKeys("details");
        return new ErrorsConfig(node.child("details").choice(d.details(), ErrorsConfig.DETAILS));
    }

    /** {@code warm-up}: absent means off. */
    static WarmUpConfig readWarmUp(ConfigNode node) {
        WarmUpConfig d = WarmUpConfig.off();
        if (!node.present() || !node.isMap("a map with keys requests, timeout")) {
            return d;
        }
        node.allowKeys("requests", "timeout");
        int requests = (int) node.child("requests").integer(d.requests(), 0, WarmUpConfig.MAX_REQUESTS,
                "an integer from 0 to " + WarmUpConfig.MAX_REQUESTS + "; 0 means no warm-up");
        return new WarmUpConfig(requests, node.child("timeout").duration(d.timeout()));
    }

    /** {@code admin}: absent means off; present (even empty) means on, on loopback unless an address is given. */
    static AdminConfig readAdmin(ConfigNode node) {
        AdminConfig d = AdminConfig.disabled();
        if (!node.present()) {
            return d;
        }
        if (!node.isMap("a map with keys address, show-addresses")) {
            return d;
        }
        node.allowKeys("address", "show-addresses");
        java.net.InetSocketAddress address = d.address();
        ConfigNode addressNode = node.child("address");
        if (addressNode.present()) {
            String expected = "host:port such as 127.0.0.1:9901";
            String text = addressNode.string(null, expected, s -> true);
            try {
                address = text == null ? address
                        : dev.ferry.bridge.net.HostPort.parse(text, true).toSocketAddress();
            } catch (IllegalArgumentException e) {
                addressNode.problem(expected);
            }
        }
        return new AdminConfig(true, address, node.child("show-addresses").bool(d.showAddresses()));
    }
}
