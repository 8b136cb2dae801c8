package dev.ferry.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.hooks.AccessLogFields;
import dev.ferry.app.hooks.AccessLogFields.Field;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    /** The smallest valid file; most invalid snippets add one bad key to it. */
    private static final String ORIGIN = "origins: {backend: {endpoints: ['127.0.0.1:8080']}}\n";
    private static final String TWO_ORIGINS =
            "origins: {backend: {endpoints: ['127.0.0.1:8080']}, static: {endpoints: ['127.0.0.1:8081']}}\n";

    private static final String ACCESS_LOG_FIELDS = "time, id, client, protocol, method, authority, path, status,"
            + " bytes_in, bytes_out, head_ms, total_ms, origin, error, detail, datagrams_in, datagrams_out,"
            + " capsules_out, datagrams_dropped";

    @TempDir
    Path dir;

    @Test
    void readsEveryKeyOfAFullFile() throws IOException {
        Files.writeString(dir.resolve("cert.pem"), "cert");
        Files.writeString(dir.resolve("key.pem"), "key");
        Files.writeString(dir.resolve("ca.pem"), "ca");
        Path file = dir.resolve("ferry.yaml");
        Files.writeString(file, """
                proxy-name: edge-1
                state-dir: state
                event-loops: 4
                listeners:
                  - name: main
                    address: 0.0.0.0:443
                    tls:
                      certificate: cert.pem
                      private-key: %s
                    quic:
                      max-idle-timeout: 45s
                      initial-max-data: 32MiB
                      initial-max-stream-data: 512KiB
                      max-concurrent-streams: 100
                  - address: "[::1]:0"
                routes:
                  - authority: "*.Example.com"
                    path-prefix: /api
                    origin: api
                  - origin: web
                origins:
                  api:
                    protocol: h2
                    endpoints: [api.internal:8443, "[2001:db8::1]:8443"]
                    tls:
                      verify: false
                      ca-file: ca.pem
                      server-name: API.example.com
                    timeouts: {connect: 250ms, response: 2m, idle: 1h}
                    pool: {max-connections-per-loop: 8, max-idle-per-loop: 2, idle-timeout: 90s}
                  web:
                    protocol: H2C
                    endpoints: [127.0.0.1:8080]
                headers:
                  via: false
                  forwarding: append
                  forwarding-style: both
                access-log:
                  enabled: false
                  path: logs/access.log
                """.formatted(dir.resolve("key.pem")));

        FerryConfig c = ConfigLoader.load(file);

        assertEquals("edge-1", c.proxyName());
        assertEquals(dir.resolve("state"), c.stateDir());
        assertEquals(4, c.eventLoops());
        assertEquals(2, c.listeners().size());
        ListenerConfig main = c.listeners().get(0);
        assertEquals("main", main.name());
        assertEquals(new InetSocketAddress("0.0.0.0", 443), main.address());
        assertFalse(main.address().isUnresolved());
        assertEquals(new TlsFilesConfig(dir.resolve("cert.pem"), dir.resolve("key.pem")), main.tls());
        assertFalse(main.tls().generate());
        assertEquals(new QuicConfig(Duration.ofSeconds(45), 32L << 20, 512L << 10, 100), main.quic());
        ListenerConfig second = c.listeners().get(1);
        assertEquals("listener-1", second.name());
        assertEquals(new InetSocketAddress("::1", 0), second.address());
        assertTrue(second.tls().generate());
        assertEquals(QuicConfig.defaults(), second.quic());

        assertEquals(List.of(new RouteConfig("*.example.com", "/api", "api"), new RouteConfig("*", "/", "web")),
                c.routes());
        assertEquals(List.of("api", "web"), List.copyOf(c.origins().keySet()));
        OriginConfig api = c.origins().get("api");
        assertEquals(OriginProtocol.H2, api.protocol());
        assertEquals(List.of(InetSocketAddress.createUnresolved("api.internal", 8443),
                new InetSocketAddress("2001:db8::1", 8443)), api.endpoints());
        assertTrue(api.endpoints().get(0).isUnresolved());
        assertEquals(new OriginTlsConfig(true, false, dir.resolve("ca.pem"), "api.example.com"), api.tls());
        assertTrue(api.usesTls());
        assertEquals(new TimeoutsConfig(Duration.ofMillis(250), Duration.ofMinutes(2), Duration.ofHours(1)),
                api.timeouts());
        assertEquals(new PoolConfig(8, 2, Duration.ofSeconds(90)), api.pool());
        OriginConfig web = c.origins().get("web");
        assertEquals(OriginProtocol.H2C, web.protocol());
        assertFalse(web.usesTls());
        assertEquals(new HeadersConfig(false, "append", "both"), c.headers());
        assertEquals(new AccessLogConfig(false, dir.resolve("logs/access.log").toString()), c.accessLog());
    }

    @Test
    void appliesDefaultsForOmittedKeys() {
        FerryConfig c = ConfigLoader.parse(ORIGIN, "min.yaml");

        FerryConfig expected = FerryConfig.defaults(new InetSocketAddress("127.0.0.1", 8080));
        assertEquals("ferry", c.proxyName());
        assertEquals(Path.of(System.getProperty("user.home"), ".local/state/ferry"), c.stateDir());
        assertEquals(0, c.eventLoops());
        assertEquals(List.of(ListenerConfig.defaults()), c.listeners());
        assertEquals("default", c.listeners().get(0).name());
        assertEquals(new InetSocketAddress("127.0.0.1", 8443), c.listeners().get(0).address());
        assertTrue(c.listeners().get(0).tls().generate());
        assertEquals(new QuicConfig(Duration.ofSeconds(30), 16L << 20, 1L << 20, 256), c.listeners().get(0).quic());
        assertEquals(List.of(), c.routes());
        assertEquals(List.of(RouteConfig.catchAll("backend")), c.effectiveRoutes());
        OriginConfig backend = c.origins().get("backend");
        assertEquals(OriginProtocol.H1, backend.protocol());
        assertEquals(new OriginTlsConfig(false, true, null, null), backend.tls());
        assertFalse(backend.usesTls());
        assertEquals(new TimeoutsConfig(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60)),
                backend.timeouts());
        assertEquals(new PoolConfig(64, 64, Duration.ofSeconds(60)), backend.pool());
        assertEquals(new HeadersConfig(true, "replace", "forwarded"), c.headers());
        assertEquals(new AccessLogConfig(true, "-"), c.accessLog());
        assertEquals(expected.headers(), c.headers());
        assertEquals(expected.listeners(), c.listeners());
        assertEquals(TunnelsConfig.disabled(), c.tunnels());
        assertFalse(c.tunnels().enabled());
    }

    @Test
    void readsTheAccessLogFieldsAndLeavesThemToTheRoleWhenOmitted() {
        FerryConfig c = ConfigLoader.parse("access-log: {fields: [Status, time, path, time]}\n" + ORIGIN, "f.yaml");
        AccessLogFields fields = AccessLogFields.of(List.of(Field.TIME, Field.PATH, Field.STATUS));
        assertEquals(fields, c.accessLog().fields());
        assertEquals(List.of(Field.TIME, Field.PATH, Field.STATUS), c.accessLogFields().fields());

        FerryConfig omitted = ConfigLoader.parse(ORIGIN, "min.yaml");
        assertNull(omitted.accessLog().fields(), "unset: the role decides");
        assertEquals(AccessLogFields.all(), omitted.accessLogFields());
    }

    @Test
    void readsEarlyDataOffByDefaultAndOnWhenAsked() {
        assertFalse(ConfigLoader.parse(ORIGIN, "min.yaml").listeners().get(0).quic().earlyData());
        FerryConfig c = ConfigLoader.parse("listeners: [{quic: {early-data: true}}]\n" + ORIGIN, "e.yaml");
        assertTrue(c.listeners().get(0).quic().earlyData());
    }

    @Test
    void readsTheApplicationProtocolH3ByDefault() {
        assertEquals("h3", ConfigLoader.parse(ORIGIN, "min.yaml").listeners().get(0).quic().applicationProtocol());
        FerryConfig c = ConfigLoader.parse("listeners: [{quic: {application-protocol: hq-interop}}]\n" + ORIGIN,
                "hq.yaml");
        assertEquals("hq-interop", c.listeners().get(0).quic().applicationProtocol());
    }

    @Test
    void aQlogDirectoryIsCreatedWhenMissing() throws IOException {
        Path file = dir.resolve("q.yaml");
        Files.writeString(file, "listeners: [{quic: {qlog-dir: qlogs/here}}]\n" + ORIGIN);
        FerryConfig c = ConfigLoader.load(file);
        assertEquals(dir.resolve("qlogs/here"), c.listeners().get(0).quic().qlogDir());
        assertTrue(Files.isDirectory(dir.resolve("qlogs/here")));
        assertNull(ConfigLoader.parse(ORIGIN, "min.yaml").listeners().get(0).quic().qlogDir());
    }

    @Test
    void theAdminEndpointIsOffUnlessTheFileHasTheSectionAndThenOnLoopback() {
        assertFalse(ConfigLoader.parse(ORIGIN, "min.yaml").admin().enabled());
        FerryConfig on = ConfigLoader.parse("admin: {}\n" + ORIGIN, "a.yaml");
        assertTrue(on.admin().enabled());
        assertEquals(new InetSocketAddress("127.0.0.1", 9901), on.admin().address());
        FerryConfig moved = ConfigLoader.parse("admin: {address: '127.0.0.1:0', show-addresses: true}\n" + ORIGIN,
                "a.yaml");
        assertEquals(0, moved.admin().address().getPort());
        assertTrue(moved.admin().showAddresses());
    }

    @Test
    void readsLoadBalancingAndHealthChecks() {
        FerryConfig c = ConfigLoader.parse("origins: {app: {endpoints: ['10.0.0.1:80', '10.0.0.2:80'], "
                + "load-balancing: {policy: consistent-hash, hash-key: 'cookie:Session', weights: [3, 1]}, "
                + "health-check: {path: /healthz, interval: 2s}}}", "lb.yaml");
        dev.ferry.origin.LoadBalancing lb = c.origins().get("app").balancing();
        assertEquals(dev.ferry.origin.LoadBalancing.Policy.CONSISTENT_HASH, lb.policy());
        assertEquals("session", lb.hashKey().name());
        assertEquals(java.util.List.of(3, 1), lb.weights());
        assertEquals(2000, lb.healthCheck().intervalMillis());
        assertEquals(3, lb.healthCheck().unhealthyThreshold());
        assertEquals(dev.ferry.origin.LoadBalancing.Policy.ROUND_ROBIN,
                ConfigLoader.parse(ORIGIN, "min.yaml").origins().values().iterator().next().balancing().policy());
    }

    @Test
    void theWarmUpIsOffUnlessAskedFor() {
        assertFalse(ConfigLoader.parse(ORIGIN, "min.yaml").warmUp().enabled());
        FerryConfig on = ConfigLoader.parse("warm-up: {requests: 20000, timeout: 30s}\n" + ORIGIN, "w.yaml");
        assertEquals(20000, on.warmUp().requests());
        assertEquals(java.time.Duration.ofSeconds(30), on.warmUp().timeout());
    }

    @Test
    void expandsTildeToTheHomeDirectory() {
        FerryConfig c = ConfigLoader.parse("state-dir: ~/ferry-state\n" + ORIGIN, "t.yaml");
        assertEquals(Path.of(System.getProperty("user.home"), "ferry-state"), c.stateDir());
    }

    @Test
    void enablesTlsForH2WhenTheFileLeavesItOut() {
        FerryConfig c = ConfigLoader.parse("origins: {b: {protocol: h2, endpoints: ['origin.example:443']}}",
                "t.yaml");
        assertTrue(c.origins().get("b").tls().enabled());
        assertTrue(c.origins().get("b").usesTls());
    }

    @Test
    void readsAFilesOriginAndNamesWhatIsWrongWithIt() throws IOException {
        Path www = Files.createDirectories(dir.resolve("www"));
        Path file = dir.resolve("files.yaml");
        Files.writeString(file, "origins: {static: {protocol: files, root: www}}\n");
        FerryConfig c = ConfigLoader.load(file);
        assertEquals(OriginProtocol.FILES, c.origins().get("static").protocol());
        assertEquals(www, c.origins().get("static").root());
        assertTrue(c.origins().get("static").endpoints().isEmpty());

        Files.writeString(file, "origins: {static: {protocol: files}}\n");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).getMessage()
                .contains("origins.static.root: missing (expected: a readable directory whose files the relay serves)"));
        Files.writeString(file, "origins: {static: {protocol: files, root: nowhere}}\n");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).getMessage()
                .contains("origins.static.root: nowhere (expected: a readable directory"));
        Files.writeString(file, "origins: {static: {protocol: files, root: www, endpoints: ['127.0.0.1:1']}}\n");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).getMessage()
                .contains("endpoints"));
    }

    static Stream<Arguments> invalidSnippets() {
        return Stream.of(
                Arguments.of("listeners: [{quic: {max-idle-timeout: -1s}}]\n" + ORIGIN,
                        "listeners[0].quic.max-idle-timeout: -1s (expected: a duration > 0 such as 30s or 250ms)"),
                Arguments.of("admin: {address: nonsense}\n" + ORIGIN,
                        "admin.address: nonsense (expected: host:port such as 127.0.0.1:9901)"),
                Arguments.of("origins: {o: {endpoints: ['127.0.0.1:1'], load-balancing: {policy: random}}}",
                        "origins.o.load-balancing.policy: random (expected: one of round-robin, least-request, "
                                + "consistent-hash)"),
                Arguments.of("origins: {o: {endpoints: ['127.0.0.1:1'], load-balancing: {hash-key: 'header:x'}}}",
                        "origins.o.load-balancing.hash-key: header:x (expected: no hash-key unless policy is "
                                + "consistent-hash)"),
                Arguments.of("origins: {o: {endpoints: ['127.0.0.1:1', '127.0.0.1:2'], load-balancing: "
                        + "{weights: [1]}}}",
                        "origins.o.load-balancing.weights: a list (expected: a list of 2 integers from 1 to 100, one "
                                + "per endpoint in order)"),
                Arguments.of("origins: {o: {protocol: h2c, endpoints: ['127.0.0.1:1'], health-check: "
                        + "{path: healthz}}}",
                        "origins.o.health-check.path: healthz (expected: a path starting with /)"),
                Arguments.of("warm-up: {requests: -5}\n" + ORIGIN,
                        "warm-up.requests: -5 (expected: an integer from 0 to 1000000; 0 means no warm-up)"),
                Arguments.of("warm-up: {requests: 100, timeout: 0s}\n" + ORIGIN,
                        "warm-up.timeout: 0s (expected: a duration > 0 such as 30s or 250ms)"),
                Arguments.of("admin: {bogus: 1}\n" + ORIGIN,
                        "admin.bogus: unknown key (expected one of: address, show-addresses)"),
                Arguments.of("listeners: [{quic: {application-protocol: h2}}]\n" + ORIGIN,
                        "listeners[0].quic.application-protocol: h2 (expected: one of h3, hq-interop)"),
                Arguments.of("listeners: [{quic: {early-data: sometimes}}]\n" + ORIGIN,
                        "listeners[0].quic.early-data: sometimes (expected: true or false)"),
                Arguments.of("listeners: [{quic: {address-validation: {mode: sometimes}}}]\n"
                        + "origins: {o: {endpoints: ['127.0.0.1:1']}}",
                        "listeners[0].quic.address-validation.mode: sometimes (expected: one of off, auto, always)"),
                Arguments.of("listeners: [{tcp: {alt-svc-max-age: -1s}}]\norigins: {o: {endpoints: ['127.0.0.1:1']}}",
                        "listeners[0].tcp.alt-svc-max-age: -1s (expected: a duration > 0 such as 30s or 250ms)"),
                Arguments.of("origins: {backend: {protocol: spdy, endpoints: ['127.0.0.1:8080']}}",
                        "origins.backend.protocol: spdy (expected: one of h1, h2, h2c, h3, files)"),
                Arguments.of("routes: [{origin: backend}, {origin: nope}]\n" + TWO_ORIGINS,
                        "routes[1].origin: nope (expected: the name of an origin: backend, static)"),
                Arguments.of("listeners: [{quci: {}}]\n" + ORIGIN,
                        "listeners[0].quci: unknown key (expected one of: name, address, tls, quic, tcp)"),
                Arguments.of("origins: {backend: {protocol: h1}}",
                        "origins.backend.endpoints: missing (expected: a list of host:port)"),
                Arguments.of("origins: {backend: {endpoints: ['127.0.0.1:8080'], timeouts: {connect: 5}}}",
                        "origins.backend.timeouts.connect: 5 (expected: a duration > 0 such as 30s or 250ms)"),
                Arguments.of("origins: {backend: {endpoints: ['127.0.0.1:8080'], timeouts: {idle: 0s}}}",
                        "origins.backend.timeouts.idle: 0s (expected: a duration > 0 such as 30s or 250ms)"),
                Arguments.of("listeners: [{quic: {initial-max-data: 16MB}}]\n" + ORIGIN,
                        "listeners[0].quic.initial-max-data: 16MB (expected: a size > 0 such as 1024, 64KiB or 16MiB)"),
                Arguments.of("listeners: [{quic: {max-concurrent-streams: 0}}]\n" + ORIGIN,
                        "listeners[0].quic.max-concurrent-streams: 0 (expected: an integer from 1 to 2^60)"),
                Arguments.of("listeners: [{address: localhost}]\n" + ORIGIN,
                        "listeners[0].address: localhost (expected: host:port or [v6]:port, port 0 for any free port)"),
                Arguments.of("origins: {backend: {endpoints: ['127.0.0.1:0']}}",
                        "origins.backend.endpoints[0]: 127.0.0.1:0 (expected: host:port or [v6]:port such as "
                                + "127.0.0.1:8080)"),
                Arguments.of("origins: {backend: {endpoints: ['::1:8080']}}",
                        "origins.backend.endpoints[0]: ::1:8080 (expected: host:port or [v6]:port such as "
                                + "127.0.0.1:8080)"),
                Arguments.of("origins: {backend: {endpoints: '127.0.0.1:8080'}}",
                        "origins.backend.endpoints: 127.0.0.1:8080 (expected: a list of host:port)"),
                Arguments.of("origins: {backend: {endpoints: []}}",
                        "origins.backend.endpoints: [] (expected: at least one host:port)"),
                Arguments.of("headers: {forwarding: drop}\n" + ORIGIN,
                        "headers.forwarding: drop (expected: one of append, replace, omit)"),
                Arguments.of("headers: {forwarding-style: x-real-ip}\n" + ORIGIN,
                        "headers.forwarding-style: x-real-ip (expected: one of forwarded, x-forwarded-for, both)"),
                Arguments.of("headers: {via: 'yes'}\n" + ORIGIN, "headers.via: yes (expected: true or false)"),
                Arguments.of("event-loops: -1\n" + ORIGIN,
                        "event-loops: -1 (expected: an integer from 0 to 4096; 0 means one per core)"),
                Arguments.of("proxy-name: my proxy\n" + ORIGIN,
                        "proxy-name: my proxy (expected: a token: a letter, then letters, digits or "
                                + "!#$%&'*+-.^_`|~)"),
                Arguments.of("listener: []\n" + ORIGIN,
                        "listener: unknown key (expected one of: proxy-name, state-dir, event-loops, listeners, "
                                + "routes, origins, headers, access-log, tunnels, errors, timeouts, plugin-path, hooks, privacy, admin, "
                                + "warm-up)"),
                Arguments.of("origins: {backend: {protocol: h2c, endpoints: ['127.0.0.1:8080'], tls: {enabled: true}}}",
                        "origins.backend.tls.enabled: true (expected: false or leave it out, since h2c never uses TLS;"
                                + " use h2 for TLS)"),
                Arguments.of("origins: {backend: {protocol: h2, endpoints: ['127.0.0.1:8080'], tls: {enabled: false}}}",
                        "origins.backend.tls.enabled: false (expected: true or leave it out, since h2 always uses TLS;"
                                + " use h2c for cleartext)"),
                Arguments.of("origins: {backend: {endpoints: ['127.0.0.1:8080'], tls: {verify: false}}}",
                        "origins.backend.tls.verify: set, but this origin does not use TLS (expected: tls.enabled: "
                                + "true, protocol h2, or no verify)"),
                Arguments.of(TWO_ORIGINS, "routes: missing (expected: at least one route, since there is more than "
                        + "one origin)"),
                Arguments.of("routes: [{authority: '*example.com', origin: backend}]\n" + ORIGIN,
                        "routes[0].authority: *example.com (expected: an exact host, *.suffix or *)"),
                Arguments.of("routes: [{path-prefix: api, origin: backend}]\n" + ORIGIN,
                        "routes[0].path-prefix: api (expected: a path starting with / (no query))"),
                Arguments.of("routes: [{path-prefix: /api}]\n" + ORIGIN,
                        "routes[0].origin: missing (expected: the name of an origin: backend)"),
                Arguments.of("origins: {}", "origins: {} (expected: at least one origin, unless tunnels are enabled)"),
                Arguments.of("proxy-name: ferry\n",
                        "origins: missing (expected: a map of origin name to origin; a configuration needs at least "
                                + "one, unless tunnels are enabled)"),
                Arguments.of("listeners: []\n" + ORIGIN,
                        "listeners: [] (expected: at least one listener, or leave listeners out for the default)"),
                Arguments.of("listeners: {name: a}\n" + ORIGIN, "listeners: a map (expected: a list of listeners)"),
                Arguments.of("listeners: [{name: a, address: '127.0.0.1:1'}, {name: a, address: '127.0.0.1:2'}]\n"
                        + ORIGIN, "listeners[1].name: a (expected: a name not already used by listeners[0])"),
                Arguments.of("listeners: [{name: a}, {name: b}]\n" + ORIGIN,
                        "listeners[1].address: 127.0.0.1:8443 (expected: an address not already used by "
                                + "listeners[0])"),
                Arguments.of("origins: {backend: {endpoints: ['127.0.0.1:8080'], pool: {max-connections-per-loop: 4, "
                                + "max-idle-per-loop: 5}}}",
                        "origins.backend.pool.max-idle-per-loop: 5 (expected: at most max-connections-per-loop, 4)"),
                Arguments.of("origins: {bad.name: {endpoints: ['127.0.0.1:8080']}}",
                        "origins.bad.name: not a valid origin name (expected: letters, digits, - and _, starting "
                                + "with a letter or digit)"),
                Arguments.of("access-log: {path: ''}\n" + ORIGIN,
                        "access-log.path: \"\" (expected: - for standard output, or a file path)"),
                Arguments.of("access-log: {fields: [status, cleint]}\n" + ORIGIN,
                        "access-log.fields[1]: cleint (expected: one of " + ACCESS_LOG_FIELDS + ")"),
                Arguments.of("access-log: {fields: status}\n" + ORIGIN,
                        "access-log.fields: status (expected: a list of field names, each one of "
                                + ACCESS_LOG_FIELDS + ")"),
                Arguments.of("access-log: {fields: []}\n" + ORIGIN,
                        "access-log.fields: [] (expected: at least one field name; to write no lines, set enabled:"
                                + " false)"),
                Arguments.of("access-log: {max-size: 10MiB}\n" + ORIGIN,
                        "access-log.max-size: 10MiB (expected: no max-size with path: - (standard output is rotated by "
                                + "whatever reads it, such as journald); set a file path to rotate)"),
                Arguments.of("access-log: {path: /tmp/a.log, keep: 0}\n" + ORIGIN,
                        "access-log.keep: 0 (expected: an integer from 1 to 1000 (rotated files kept))"),
                Arguments.of("access-log: {format: json}\n" + ORIGIN,
                        "access-log.format: unknown key (expected one of: enabled, path, fields, max-size, keep)"),
                Arguments.of("listeners: [{tls: {certificate: /nonexistent/cert.pem, private-key: "
                                + "/nonexistent/key.pem}}]\n" + ORIGIN,
                        "listeners[0].tls.certificate: /nonexistent/cert.pem (expected: a readable PEM certificate "
                                + "file, looked for /nonexistent/cert.pem)\n"
                                + "listeners[0].tls.private-key: /nonexistent/key.pem (expected: a readable PEM "
                                + "private key file, looked for /nonexistent/key.pem)"));
    }

    @ParameterizedTest
    @MethodSource("invalidSnippets")
    void reportsTheExactProblem(String yaml, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
        assertEquals(expected, e.getMessage());
        assertEquals(List.of(expected.split("\n")), e.problems());
    }

    @Test
    void collectsEveryProblemInOneRun() {
        String yaml = """
                proxy-name: "a b"
                listeners:
                  - quic: {max-idle-timeout: 10}
                    quci: {}
                routes:
                  - origin: nope
                origins:
                  backend:
                    protocol: spdy
                headers: {forwarding: drop}
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
        assertEquals(List.of(
                "proxy-name: a b (expected: a token: a letter, then letters, digits or !#$%&'*+-.^_`|~)",
                "listeners[0].quci: unknown key (expected one of: name, address, tls, quic, tcp)",
                "listeners[0].quic.max-idle-timeout: 10 (expected: a duration > 0 such as 30s or 250ms)",
                "routes[0].origin: nope (expected: the name of an origin: backend)",
                "origins.backend.protocol: spdy (expected: one of h1, h2, h2c, h3, files)",
                "origins.backend.endpoints: missing (expected: a list of host:port)",
                "headers.forwarding: drop (expected: one of append, replace, omit)"), e.problems());
        assertEquals(String.join("\n", e.problems()), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n\n", "# only a comment\n", "---\n"})
    void refusesAnEmptyFileInsteadOfApplyingDefaults(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "empty.yaml"));
        assertEquals(List.of("empty.yaml: empty (expected: a YAML map with at least origins or tunnels; defaults are not "
                + "applied to an empty file)"), e.problems());
    }

    @Test
    void refusesAFileThatIsNotAMap() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("- a\n- b\n", "l.yaml"));
        assertEquals(List.of("l.yaml: a list (expected: a YAML map with at least origins or tunnels)"), e.problems());
    }

    @ParameterizedTest
    @MethodSource("syntaxErrors")
    void reportsLineAndColumnOfAYamlSyntaxError(String yaml, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "s.yaml"));
        assertEquals(List.of(expected), e.problems());
    }

    static Stream<Arguments> syntaxErrors() {
        return Stream.of(
                Arguments.of("origins:\n  a: b: c\n",
                        "s.yaml: line 2, column 7: invalid YAML: mapping values are not allowed here"),
                Arguments.of("origins:\n  b:\n    endpoints: ['127.0.0.1:8080'\n    protocol: h1\n",
                        "s.yaml: line 4, column 5: invalid YAML: expected ',' or ']', but got <scalar> "
                                + "(while parsing a flow sequence started at line 3)"));
    }

    @Test
    void refusesDuplicateKeys() {
        String yaml = "origins:\n  a: {endpoints: ['127.0.0.1:1']}\n  a: {endpoints: ['127.0.0.1:2']}\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "d.yaml"));
        assertTrue(e.problems().get(0).startsWith("d.yaml: line 3, column "), e.problems().get(0));
        assertTrue(e.problems().get(0).contains("Duplicate field 'a'"), e.problems().get(0));
    }

    @Test
    void namesTheMissingHalfOfACertificatePair() throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "cert");
        String yaml = "listeners: [{tls: {certificate: '" + cert + "'}}]\n" + ORIGIN;
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
        assertEquals(List.of("listeners[0].tls.private-key: missing (expected: a PEM private key file, since "
                + "certificate is set; set both or neither)"), e.problems());
    }

    @Test
    void reportsAMissingFile() {
        Path file = dir.resolve("absent.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(List.of(file + ": no such file"), e.problems());
        assertEquals(file.toString(), e.source());
    }

    @Test
    void resolvesHostNamesLaterAndIpLiteralsNow() {
        FerryConfig c = ConfigLoader.parse(
                "origins: {b: {endpoints: ['Origin.Example:80', '10.0.0.1:80', '[::1]:80']}}", "t.yaml");
        List<InetSocketAddress> endpoints = c.origins().get("b").endpoints();
        assertTrue(endpoints.get(0).isUnresolved());
        assertEquals("origin.example", endpoints.get(0).getHostString());
        assertFalse(endpoints.get(1).isUnresolved());
        assertFalse(endpoints.get(2).isUnresolved());
        assertNull(c.origins().get("b").tls().serverName());
    }

    // ---- tunnels ----------------------------------------------------------------------------------------------

    private static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    /** Tunnels on, open relay: the base for snippets with one bad key that is not about auth. */
    private static final String OPEN = "auth: {required: false}";

    @Test
    void readsEveryKeyOfTheTunnelsSection() throws IOException {
        Files.writeString(dir.resolve("clients-ca.pem"), "ca");
        Path file = dir.resolve("relay.yaml");
        Files.writeString(file, """
                tunnels:
                  connect: true
                  connect-udp: true
                  datagrams: false
                  uri-template: /masque?h={target_host}&p={target_port}
                  udp-idle-timeout: 90s
                  connect-timeout: 3s
                  egress:
                    allow: [127.0.0.0/8, "::1"]
                    deny: [203.0.113.7, "2001:db8::/32"]
                    ports: "53,443,8000-9000"
                  auth:
                    required: true
                    tokens-sha256: [%s]
                    client-ca: clients-ca.pem
                  hosts:
                    Forbidden.Test: 127.0.0.1
                    dual.test: [192.0.2.1, "2001:db8::1"]
                """.formatted(HASH.toUpperCase()));

        FerryConfig c = ConfigLoader.load(file);

        TunnelsConfig t = c.tunnels();
        assertEquals(new TunnelsConfig(true, true, false, "/masque?h={target_host}&p={target_port}",
                Duration.ofSeconds(90), Duration.ofSeconds(3),
                new TunnelsConfig.EgressConfig(List.of("127.0.0.0/8", "::1"), List.of("203.0.113.7", "2001:db8::/32"),
                        "53,443,8000-9000"),
                new TunnelsConfig.AuthConfig(true, List.of(HASH), dir.resolve("clients-ca.pem")),
                Map.of("forbidden.test", List.of(InetAddress.getByName("127.0.0.1")),
                        "dual.test", List.of(InetAddress.getByName("192.0.2.1"),
                                InetAddress.getByName("2001:db8::1")))), t);
        assertTrue(t.enabled());
        assertEquals(Map.of(), c.origins());
        assertEquals(List.of(), c.effectiveRoutes());
    }

    @Test
    void fillsTunnelDefaultsAndAcceptsDatagramsWithoutConnectUdp() {
        FerryConfig c = ConfigLoader.parse("tunnels: {connect: true, datagrams: true, auth: {tokens-sha256: ["
                + HASH + "]}}\n" + ORIGIN, "t.yaml");
        TunnelsConfig d = TunnelsConfig.disabled();
        TunnelsConfig t = c.tunnels();
        assertTrue(t.connect());
        assertFalse(t.connectUdp());
        assertTrue(t.datagrams());
        assertEquals(TunnelsConfig.DEFAULT_URI_TEMPLATE, t.uriTemplate());
        assertEquals(Duration.ofMinutes(2), t.udpIdleTimeout());
        assertEquals(Duration.ofSeconds(10), t.connectTimeout());
        assertEquals(d.egress(), t.egress());
        assertEquals("53,80,443,853,1024-65535", t.egress().ports());
        assertEquals(new TunnelsConfig.AuthConfig(true, List.of(HASH), null), t.auth());
        assertEquals(Map.of(), t.hosts());
        assertEquals(List.of(RouteConfig.catchAll("backend")), c.effectiveRoutes());
    }

    @Test
    void acceptsTheFullSectionWithTunnelsOff() {
        // Everything set, nothing switched on: valid, and origins are then required as usual.
        FerryConfig c = ConfigLoader.parse("""
                tunnels:
                  connect: false
                  connect-udp: false
                  datagrams: true
                  uri-template: /.well-known/masque/udp/{target_host}/{target_port}/
                  udp-idle-timeout: 2m
                  connect-timeout: 10s
                  egress: {allow: [127.0.0.0/8], deny: [], ports: "*"}
                  auth: {required: true}
                  hosts: {forbidden.test: 127.0.0.1}
                """ + ORIGIN, "t.yaml");
        assertFalse(c.tunnels().enabled());
        assertEquals("*", c.tunnels().egress().ports());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "tunnels: {connect-udp: true, auth: {required: false}}",
        "tunnels: {connect: true, auth: {tokens-sha256: [" + HASH + "]}}\norigins: {}",
        "tunnels: {connect: true, auth: {required: false}}\norigins:\nroutes: []"})
    void loadsATunnelOnlyRelayWithoutOrigins(String yaml) {
        FerryConfig c = ConfigLoader.parse(yaml, "t.yaml");
        assertTrue(c.tunnels().enabled());
        assertEquals(Map.of(), c.origins());
        assertEquals(List.of(), c.routes());
        assertEquals(List.of(), c.effectiveRoutes());
    }

    @Test
    void recordRefusesNoOriginsOnlyWithoutTunnels() {
        FerryConfig base = ConfigLoader.parse(ORIGIN, "t.yaml");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FerryConfig(
                base.proxyName(), base.stateDir(), 0, base.listeners(), List.of(), Map.of(), base.headers(),
                base.accessLog()));
        assertEquals("at least one origin is needed, unless tunnels are enabled", e.getMessage());
        TunnelsConfig d = TunnelsConfig.disabled();
        TunnelsConfig on = new TunnelsConfig(false, true, true, d.uriTemplate(), d.udpIdleTimeout(),
                d.connectTimeout(), d.egress(), d.auth(), d.hosts());
        FerryConfig tunnelOnly = new FerryConfig(base.proxyName(), base.stateDir(), 0, base.listeners(), List.of(),
                Map.of(), base.headers(), base.accessLog(), on);
        assertEquals(List.of(), tunnelOnly.effectiveRoutes());
    }

    static Stream<Arguments> invalidTunnels() {
        return Stream.of(
                Arguments.of("tunnels: true\n" + ORIGIN,
                        "tunnels: true (expected: a map with keys connect, connect-udp, datagrams, uri-template, "
                                + "udp-idle-timeout, connect-timeout, egress, auth, hosts, tcp-idle-timeout, "
                                + "dns-timeout)"),
                Arguments.of("tunnels: {udp: true}\n" + ORIGIN,
                        "tunnels.udp: unknown key (expected one of: connect, connect-udp, datagrams, uri-template, "
                                + "udp-idle-timeout, connect-timeout, egress, auth, hosts, tcp-idle-timeout, "
                                + "dns-timeout)"),
                Arguments.of("tunnels: {connect: 1}\n" + ORIGIN, "tunnels.connect: 1 (expected: true or false)"),
                Arguments.of("tunnels: {connect-udp: 'on'}\n" + ORIGIN,
                        "tunnels.connect-udp: on (expected: true or false)"),
                Arguments.of("tunnels: {datagrams: 'no'}\n" + ORIGIN, "tunnels.datagrams: no (expected: true or false)"),
                Arguments.of("tunnels: {uri-template: '/masque/{target_host}'}\n" + ORIGIN,
                        "tunnels.uri-template: URI template '/masque/{target_host}' lacks {target_port}"),
                Arguments.of("tunnels: {uri-template: 'masque/{target_host}/{target_port}'}\n" + ORIGIN,
                        "tunnels.uri-template: URI template 'masque/{target_host}/{target_port}' must be a path "
                                + "starting with a single '/'"),
                Arguments.of("tunnels: {uri-template: '/u/{host}/{target_port}'}\n" + ORIGIN,
                        "tunnels.uri-template: URI template '/u/{host}/{target_port}': unsupported expression "
                                + "{host} (expected {target_host} or {target_port})"),
                Arguments.of("tunnels: {uri-template: [a]}\n" + ORIGIN,
                        "tunnels.uri-template: a list (expected: a path with {target_host} and {target_port})"),
                Arguments.of("tunnels: {udp-idle-timeout: 0s}\n" + ORIGIN,
                        "tunnels.udp-idle-timeout: 0s (expected: a duration > 0 such as 30s or 250ms)"),
                Arguments.of("tunnels: {connect-timeout: 10}\n" + ORIGIN,
                        "tunnels.connect-timeout: 10 (expected: a duration > 0 such as 30s or 250ms)"),
                Arguments.of("tunnels: {egress: [127.0.0.0/8]}\n" + ORIGIN,
                        "tunnels.egress: a list (expected: a map with keys allow, deny, ports)"),
                Arguments.of("tunnels: {egress: {alow: []}}\n" + ORIGIN,
                        "tunnels.egress.alow: unknown key (expected one of: allow, deny, ports)"),
                Arguments.of("tunnels: {egress: {allow: 127.0.0.0/8}}\n" + ORIGIN,
                        "tunnels.egress.allow: 127.0.0.0/8 (expected: a list of CIDRs such as [10.0.0.0/8, "
                                + "2001:db8::/32])"),
                Arguments.of("tunnels: {egress: {allow: [127.0.0.0/8, 10.0.0.1/8]}}\n" + ORIGIN,
                        "tunnels.egress.allow[1]: 10.0.0.1/8: host bits set below the prefix (did you mean "
                                + "10.0.0.0/8?)"),
                Arguments.of("tunnels: {egress: {allow: ['10.0.0.0/33']}}\n" + ORIGIN,
                        "tunnels.egress.allow[0]: 10.0.0.0/33: prefix length 33 (expected: 0..32)"),
                Arguments.of("tunnels: {egress: {deny: [example.com]}}\n" + ORIGIN,
                        "tunnels.egress.deny[0]: example.com: not an IPv4 or IPv6 address literal"),
                Arguments.of("tunnels: {egress: {deny: [{a: b}]}}\n" + ORIGIN,
                        "tunnels.egress.deny[0]: a map (expected: a CIDR such as 10.0.0.0/8 or 2001:db8::/32, or a "
                                + "single address)"),
                Arguments.of("tunnels: {egress: {ports: '80,http'}}\n" + ORIGIN,
                        "tunnels.egress.ports: ports '80,http': 'http' is not a port number"),
                Arguments.of("tunnels: {egress: {ports: '0-1023'}}\n" + ORIGIN,
                        "tunnels.egress.ports: ports '0-1023': port 0 (expected: 1..65535)"),
                Arguments.of("tunnels: {egress: {ports: '9000-8000'}}\n" + ORIGIN,
                        "tunnels.egress.ports: ports '9000-8000': range 9000-8000 is empty"),
                Arguments.of("tunnels: {egress: {ports: [443]}}\n" + ORIGIN,
                        "tunnels.egress.ports: a list (expected: ports and ranges such as \"443,1024-65535\", or "
                                + "\"*\")"),
                Arguments.of("tunnels: {auth: {required: 'no'}}\n" + ORIGIN,
                        "tunnels.auth.required: no (expected: true or false)"),
                Arguments.of("tunnels: {auth: {token: x}}\n" + ORIGIN,
                        "tunnels.auth.token: unknown key (expected one of: required, tokens-sha256, client-ca)"),
                Arguments.of("tunnels: {auth: {tokens-sha256: [" + HASH + ", abc]}}\n" + ORIGIN,
                        "tunnels.auth.tokens-sha256[1]: abc (expected: 64 hex digits, the SHA-256 of a token as "
                                + "printed by ferry token hash)"),
                Arguments.of("tunnels: {auth: {tokens-sha256: [" + HASH.replace('9', 'g') + "]}}\n" + ORIGIN,
                        "tunnels.auth.tokens-sha256[0]: " + HASH.replace('9', 'g') + " (expected: 64 hex digits, "
                                + "the SHA-256 of a token as printed by ferry token hash)"),
                Arguments.of("tunnels: {auth: {tokens-sha256: " + HASH + "}}\n" + ORIGIN,
                        "tunnels.auth.tokens-sha256: " + HASH + " (expected: a list of SHA-256 hashes in hex)"),
                Arguments.of("tunnels: {auth: {client-ca: /nonexistent/ca.pem}}\n" + ORIGIN,
                        "tunnels.auth.client-ca: /nonexistent/ca.pem (expected: a readable PEM file of the CA that "
                                + "issues client certificates, looked for /nonexistent/ca.pem)"),
                Arguments.of("tunnels: {hosts: [forbidden.test]}\n" + ORIGIN,
                        "tunnels.hosts: a list (expected: a map of host name to IP address literal(s))"),
                Arguments.of("tunnels: {hosts: {forbidden.test: localhost}}\n" + ORIGIN,
                        "tunnels.hosts.forbidden.test: localhost: not an IPv4 or IPv6 address literal"),
                Arguments.of("tunnels: {hosts: {a.test: [127.0.0.1, 300.1.1.1]}}\n" + ORIGIN,
                        "tunnels.hosts.a.test[1]: 300.1.1.1: not an IPv4 or IPv6 address literal"),
                Arguments.of("tunnels: {hosts: {a.test: []}}\n" + ORIGIN,
                        "tunnels.hosts.a.test: [] (expected: at least one IP address literal)"),
                Arguments.of("tunnels: {hosts: {a.test: }}\n" + ORIGIN,
                        "tunnels.hosts.a.test: missing (expected: an IPv4 or IPv6 address literal, or a list of "
                                + "them)"),
                Arguments.of("tunnels: {hosts: {'bad host': 127.0.0.1}}\n" + ORIGIN,
                        "tunnels.hosts.bad host: not a host name (expected: a DNS name such as forbidden.test)"),
                Arguments.of("tunnels: {hosts: {A.test: 127.0.0.1, a.TEST: '::1'}}\n" + ORIGIN,
                        "tunnels.hosts.a.TEST: the same host as A.test (expected: each host name once, names "
                                + "ignore case)"),
                // The cross-check: tunnels on, authentication required, no way to authenticate.
                Arguments.of("tunnels: {connect-udp: true}",
                        "tunnels.auth: required but no credentials configured (expected: tokens-sha256 or "
                                + "client-ca, or required: false for an open relay)"),
                Arguments.of("tunnels: {connect: true, auth: {required: true, tokens-sha256: []}}\n" + ORIGIN,
                        "tunnels.auth: required but no credentials configured (expected: tokens-sha256 or "
                                + "client-ca, or required: false for an open relay)"),
                // A wrong credential is the problem to fix, not a missing one.
                Arguments.of("tunnels: {connect: true, auth: {client-ca: /nonexistent/ca.pem}}\n" + ORIGIN,
                        "tunnels.auth.client-ca: /nonexistent/ca.pem (expected: a readable PEM file of the CA that "
                                + "issues client certificates, looked for /nonexistent/ca.pem)"),
                // Origins are optional only when a tunnel is switched on.
                Arguments.of("tunnels: {connect: false, connect-udp: false, " + OPEN + "}",
                        "origins: missing (expected: a map of origin name to origin; a configuration needs at least "
                                + "one, unless tunnels are enabled)"),
                Arguments.of("tunnels: {connect: 'true', " + OPEN + "}",
                        "origins: missing (expected: a map of origin name to origin; a configuration needs at least "
                                + "one, unless tunnels are enabled)\n"
                                + "tunnels.connect: true (expected: true or false)"),
                Arguments.of("routes: [{origin: web}]\ntunnels: {connect: true, " + OPEN + "}",
                        "routes[0].origin: web (expected: the name of an origin, but origins lists none)"));
    }

    @ParameterizedTest
    @MethodSource("invalidTunnels")
    void reportsTheExactTunnelsProblem(String yaml, String expected) {
        reportsTheExactProblem(yaml, expected);
    }
}
