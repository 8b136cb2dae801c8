package dev.ferry.app.interop;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the QUIC interop runner hands an endpoint: environment variables, and the directories it mounts. The
 * runner's containers use the fixed paths {@code /www}, {@code /certs}, {@code /downloads} and {@code /logs} and
 * UDP port 443; for runs outside a container each can be moved by a variable of its own ({@code WWW},
 * {@code CERTS}, {@code DOWNLOADS}, {@code LOGS}, {@code PORT}).
 *
 * @param role      {@code ROLE}: {@code server} or {@code client}
 * @param testCase  {@code TESTCASE}, as the runner names it (may be empty or unknown)
 * @param requests  {@code REQUESTS}: the URLs a client fetches, separated by spaces
 * @param www       files a server serves
 * @param certs     a server's {@code cert.pem} (the full chain) and {@code priv.key}
 * @param downloads where a client saves each file, named by the URL's last path segment
 * @param logs      logs of the endpoint
 * @param port      the UDP port a server listens on
 * @param qlogDir   {@code QLOGDIR}: where qlog files go, one per connection; null when unset
 */
public record InteropEnvironment(String role, String testCase, List<String> requests, Path www, Path certs,
                                 Path downloads, Path logs, int port, Path qlogDir) {
    static final int RUNNER_PORT = 443;

    public static InteropEnvironment of(Map<String, String> env) {
        String requests = env.getOrDefault("REQUESTS", "").trim();
        return new InteropEnvironment(env.getOrDefault("ROLE", "").trim(), env.getOrDefault("TESTCASE", "").trim(),
                requests.isEmpty() ? List.of() : Arrays.asList(requests.split("\\s+")),
                Path.of(env.getOrDefault("WWW", "/www")), Path.of(env.getOrDefault("CERTS", "/certs")),
                Path.of(env.getOrDefault("DOWNLOADS", "/downloads")), Path.of(env.getOrDefault("LOGS", "/logs")),
                port(env.get("PORT")), env.get("QLOGDIR") == null || env.get("QLOGDIR").isBlank() ? null
                : Path.of(env.get("QLOGDIR")));
    }

    private static int port(String text) {
        if (text == null || text.isBlank()) {
            return RUNNER_PORT;
        }
        int port = Integer.parseInt(text.trim());
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("PORT: " + text + " (expected: 0 to 65535)");
        }
        return port;
    }

    public Path certificate() {
        return certs.resolve("cert.pem");
    }

    public Path privateKey() {
        return certs.resolve("priv.key");
    }
}
