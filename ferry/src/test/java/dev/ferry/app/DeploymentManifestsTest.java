package dev.ferry.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.app.config.ConfigLoader;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.ListenerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks that the files in deploy/ agree with each other and with Ferry. Nothing here is applied to a cluster or
 * installed as a service: the project's machines have neither. The ConfigMap's ferry.yaml is read by Ferry's own
 * {@link ConfigLoader}, so a key Ferry would refuse fails this test as it would fail {@code ferry check}.
 */
class DeploymentManifestsTest {
    /** Tests run in ferry/, so the repository root is its parent. */
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final String CONFIG_FILE = "/etc/ferry/ferry.yaml";
    /**
     * How long SIGTERM may take to stop Ferry at worst: every listener drains at once for up to 10 s, and a TCP
     * listener then waits up to 2 s for its connections to close.
     */
    private static final int WORST_CASE_STOP_SECONDS = 10 + 2;
    private static final YAMLMapper YAML = new YAMLMapper();

    private JsonNode configMap;
    private JsonNode service;
    private JsonNode pod;
    private JsonNode container;
    /** ferry.yaml as written in the ConfigMap, before the certificate paths are pointed at temporary files. */
    private JsonNode ferryYaml;
    private FerryConfig config;

    @BeforeEach
    void readManifests(@TempDir Path dir) throws IOException {
        configMap = readYaml("kubernetes/configmap.yaml");
        service = readYaml("kubernetes/service.yaml");
        JsonNode deployment = readYaml("kubernetes/deployment.yaml");
        assertEquals("ConfigMap", at(configMap, "kind").asText());
        assertEquals("Service", at(service, "kind").asText());
        assertEquals("Deployment", at(deployment, "kind").asText());
        pod = at(deployment, "spec.template");
        container = single(at(pod, "spec.containers"));
        ferryYaml = YAML.readTree(at(configMap, "data.ferry.yaml").asText());
        config = loadWithStandInCertificates(ferryYaml.deepCopy(), dir);
    }

    @Test
    void configMapHoldsOneListenerOnUdpAndTcpWithTheAdminEndpointOn() {
        assertEquals(1, config.listeners().size());
        ListenerConfig listener = config.listeners().get(0);
        assertTrue(listener.tcp().enabled(), "the listener also serves HTTP/2 and HTTP/1.1 on TCP");
        assertEquals(listener.address(), listener.tcp().addressFor(listener.address()),
                "TCP on the QUIC side's address and port");
        assertTrue(config.admin().enabled(), "ferry.yaml has an admin section");
        assertFalse(config.admin().address().getAddress().isLoopbackAddress(),
                "the kubelet probes the pod IP, so the admin endpoint cannot listen on loopback");
    }

    @Test
    void listenerPortIsTheContainersAndTheServicesPortOnUdpAndTcp() {
        int port = config.listeners().get(0).address().getPort();
        assertEquals(443, port);

        JsonNode quic = containerPort("quic");
        JsonNode https = containerPort("https");
        assertEquals(port, at(quic, "containerPort").asInt());
        assertEquals("UDP", at(quic, "protocol").asText());
        assertEquals(port, at(https, "containerPort").asInt());
        assertEquals("TCP", at(https, "protocol").asText());

        assertEquals("LoadBalancer", at(service, "spec.type").asText());
        for (String protocol : List.of("UDP", "TCP")) {
            JsonNode servicePort = servicePort(protocol);
            assertEquals(port, at(servicePort, "port").asInt(), protocol + " port of the Service");
            assertEquals(port, targetContainerPort(servicePort), protocol + " targetPort of the Service");
        }
        assertEquals(2, at(service, "spec.ports").size(), "the Service exposes 443/UDP and 443/TCP only");
        assertEquals(at(pod, "metadata.labels"), at(service, "spec.selector"), "the Service selects the pods");
    }

    @Test
    void adminPortIsProbedAndScrapedButNotExposedByTheService() {
        int adminPort = config.admin().address().getPort();
        assertEquals(adminPort, at(containerPort("admin"), "containerPort").asInt());
        assertEquals(adminPort, portNumber(at(container, "startupProbe.httpGet.port")));
        assertEquals(adminPort, portNumber(at(container, "livenessProbe.httpGet.port")));
        assertEquals(adminPort, portNumber(at(container, "readinessProbe.httpGet.port")));

        JsonNode annotations = at(pod, "metadata.annotations");
        assertEquals("true", at(annotations, "prometheus.io/scrape").asText());
        assertEquals(String.valueOf(adminPort), at(annotations, "prometheus.io/port").asText());
        assertEquals("/metrics", at(annotations, "prometheus.io/path").asText());

        for (JsonNode servicePort : at(service, "spec.ports")) {
            assertFalse(at(servicePort, "port").asInt() == adminPort || targetContainerPort(servicePort) == adminPort,
                    "the admin endpoint has no authentication and must not be in the Service: " + servicePort);
        }
    }

    @Test
    void probesAskHealthzAndReadyz() {
        assertEquals("/healthz", at(container, "livenessProbe.httpGet.path").asText());
        assertEquals("/healthz", at(container, "startupProbe.httpGet.path").asText());
        assertEquals("/readyz", at(container, "readinessProbe.httpGet.path").asText());
    }

    @Test
    void theStartupProbeWaitsLongerThanTheWarmUpMay() {
        long allowed = at(container, "startupProbe.periodSeconds").asLong()
                * at(container, "startupProbe.failureThreshold").asLong();
        assertTrue(config.warmUp().enabled(), "the example config warms up");
        assertTrue(allowed > config.warmUp().timeout().toSeconds(),
                "the kubelet would kill a pod still warming up: " + allowed + " s allowed");
    }

    @Test
    void containerRunsServeOnTheMountedConfigMap() {
        List<String> commandLine = new ArrayList<>();
        at(container, "command").forEach(n -> commandLine.add(n.asText()));
        at(container, "args").forEach(n -> commandLine.add(n.asText()));
        assertEquals(CONFIG_FILE, argumentAfter(commandLine, "--config"));
        assertTrue(commandLine.contains("serve"), commandLine.toString());

        JsonNode mount = mountAt(CONFIG_FILE);
        assertEquals(at(configMap, "metadata.name").asText(), at(volume(mount), "configMap.name").asText());
        assertEquals("ferry.yaml", at(mount, "subPath").asText());
    }

    @Test
    void certificateAndKeyComeFromTheTlsSecret() {
        JsonNode tls = at(single(at(ferryYaml, "listeners")), "tls");
        for (String key : List.of("certificate", "private-key")) {
            JsonNode mount = mountAt(at(tls, key).asText());
            assertTrue(volume(mount).has("secret"), key + " is read from a mounted Secret, not " + volume(mount));
        }
    }

    @Test
    void stateDirIsAWritableVolumeOnAReadOnlyRoot() {
        assertTrue(at(container, "securityContext.readOnlyRootFilesystem").asBoolean());
        assertTrue(at(pod, "spec.securityContext.runAsNonRoot").asBoolean());
        JsonNode mount = mountAt(config.stateDir().toString());
        assertEquals(config.stateDir().toString(), at(mount, "mountPath").asText(), "state-dir is a volume of its own");
        assertFalse(mount.path("readOnly").asBoolean(false), "the state-dir mount is writable");
        assertTrue(volume(mount).has("emptyDir") || volume(mount).has("persistentVolumeClaim"),
                "Secrets and ConfigMaps are always read-only: " + volume(mount));
    }

    @Test
    void podOutlivesTheDrain() {
        int preStop = container.path("lifecycle").path("preStop").path("sleep").path("seconds").asInt(0);
        int grace = at(pod, "spec.terminationGracePeriodSeconds").asInt();
        assertTrue(grace > preStop + WORST_CASE_STOP_SECONDS,
                "terminationGracePeriodSeconds " + grace + " must exceed the preStop pause " + preStop
                        + " s and the drain (" + WORST_CASE_STOP_SECONDS + " s at worst)");
    }

    @Test
    void systemdUnitRunsTheDocumentedConfigAndOutlivesTheDrain() throws IOException {
        Map<String, List<String>> unit = readUnit("systemd/ferry.service");
        // systemctl reload sends what ferry serve reloads its file on.
        assertEquals(List.of("/bin/kill -HUP $MAINPID"), unit.get("Service.ExecReload"));
        List<String> execStart = List.of(only(unit, "Service.ExecStart").split("\\s+"));
        assertEquals("/opt/ferry/ferry.jar", argumentAfter(execStart, "-jar"));
        assertEquals("serve", argumentAfter(execStart, "/opt/ferry/ferry.jar"));
        String configFile = argumentAfter(execStart, "--config");
        assertEquals(CONFIG_FILE, configFile, "the same place as in the Deployment");
        assertTrue(Files.readString(DEPLOY.resolve("README.md")).contains(configFile),
                "deploy/README.md names " + configFile);

        assertEquals("SIGTERM", only(unit, "Service.KillSignal"));
        int timeoutStop = Integer.parseInt(only(unit, "Service.TimeoutStopSec"));
        assertTrue(timeoutStop > WORST_CASE_STOP_SECONDS, "TimeoutStopSec " + timeoutStop + " must exceed the drain");
        assertTrue(timeoutStop > 10, "TimeoutStopSec above the 10 s drain");
        assertEquals("CAP_NET_BIND_SERVICE", only(unit, "Service.AmbientCapabilities"));
        assertEquals("on-failure", only(unit, "Service.Restart"));
        assertEquals("strict", only(unit, "Service.ProtectSystem"));
        assertEquals("yes", only(unit, "Service.NoNewPrivileges"));
        assertEquals("ferry", only(unit, "Service.User"));
        assertEquals(Path.of("/var/lib", only(unit, "Service.StateDirectory")), config.stateDir(),
                "the same state-dir works under systemd (StateDirectory) and in the pod");
    }

    // ---- reading the files ----

    private static JsonNode readYaml(String relative) throws IOException {
        return YAML.readTree(DEPLOY.resolve(relative).toFile());
    }

    /**
     * Loads ferry.yaml with Ferry's loader, which demands that certificate files exist: each listener's certificate
     * and key are pointed at empty stand-ins of the same name in {@code dir} first.
     */
    private static FerryConfig loadWithStandInCertificates(JsonNode yaml, Path dir) throws IOException {
        for (JsonNode listener : yaml.path("listeners")) {
            JsonNode tls = listener.path("tls");
            for (String key : List.of("certificate", "private-key")) {
                if (tls.has(key)) {
                    Path standIn = dir.resolve(Path.of(tls.get(key).asText()).getFileName());
                    Files.writeString(standIn, "");
                    ((ObjectNode) tls).put(key, standIn.toString());
                }
            }
        }
        return ConfigLoader.parse(YAML.writeValueAsString(yaml), "configmap.yaml: ferry.yaml");
    }

    /** A systemd unit as "Section.Key" to its values, in order; comments and blank lines left out. */
    private static Map<String, List<String>> readUnit(String relative) throws IOException {
        Map<String, List<String>> entries = new LinkedHashMap<>();
        String section = "";
        for (String raw : Files.readAllLines(DEPLOY.resolve(relative))) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                continue;
            }
            int eq = line.indexOf('=');
            assertTrue(eq > 0, "not Key=value: " + line);
            entries.computeIfAbsent(section + "." + line.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(line.substring(eq + 1).strip());
        }
        return entries;
    }

    private static String only(Map<String, List<String>> unit, String key) {
        List<String> values = unit.get(key);
        assertNotNull(values, "the unit sets " + key);
        assertEquals(1, values.size(), key + " is set once");
        return values.get(0);
    }

    // ---- navigating the YAML trees ----

    /**
     * The node at a dotted path of map keys, such as {@code spec.template.spec}. A key that itself holds dots
     * ({@code ferry.yaml}, {@code prometheus.io/port}) is matched whole when the node has it. Fails the test, naming
     * the path, when something is missing.
     */
    private static JsonNode at(JsonNode node, String path) {
        JsonNode current = node;
        String rest = path;
        while (!rest.isEmpty()) {
            String key = rest;
            while (!current.has(key) && key.contains(".")) {
                key = key.substring(0, key.lastIndexOf('.'));
            }
            if (!current.has(key)) {
                fail("missing " + path + " (no " + rest + " in " + current + ")");
            }
            current = current.get(key);
            rest = rest.length() == key.length() ? "" : rest.substring(key.length() + 1);
        }
        return current;
    }

    private static JsonNode single(JsonNode list) {
        assertTrue(list.isArray() && list.size() == 1, "expected a list of one, got " + list);
        return list.get(0);
    }

    /** The element of a list whose {@code field} is {@code value}. */
    private static JsonNode find(JsonNode list, String field, String value) {
        for (JsonNode item : list) {
            if (value.equals(item.path(field).asText())) {
                return item;
            }
        }
        return fail("no entry with " + field + ": " + value + " in " + list);
    }

    private static String argumentAfter(List<String> commandLine, String option) {
        int i = commandLine.indexOf(option);
        assertTrue(i >= 0 && i + 1 < commandLine.size(), option + " and a value in " + commandLine);
        return commandLine.get(i + 1);
    }

    private JsonNode containerPort(String name) {
        return find(at(container, "ports"), "name", name);
    }

    private JsonNode servicePort(String protocol) {
        return find(at(service, "spec.ports"), "protocol", protocol);
    }

    /** A port given by number or by the name of one of the container's ports. */
    private int portNumber(JsonNode port) {
        return port.isInt() ? port.asInt() : at(containerPort(port.asText()), "containerPort").asInt();
    }

    private int targetContainerPort(JsonNode servicePort) {
        JsonNode target = servicePort.path("targetPort");
        return target.isMissingNode() ? at(servicePort, "port").asInt() : portNumber(target);
    }

    /** The volume mount that holds {@code path}: the one with the longest mount path that is, or contains, it. */
    private JsonNode mountAt(String path) {
        JsonNode best = null;
        int bestDepth = -1;
        for (JsonNode mount : at(container, "volumeMounts")) {
            Path mountPath = Path.of(at(mount, "mountPath").asText());
            if (Path.of(path).startsWith(mountPath) && mountPath.getNameCount() > bestDepth) {
                best = mount;
                bestDepth = mountPath.getNameCount();
            }
        }
        return best != null ? best : fail("no volume mount holds " + path);
    }

    private JsonNode volume(JsonNode mount) {
        return find(at(pod, "spec.volumes"), "name", at(mount, "name").asText());
    }
}
