package dev.ferry.interop.runner;

import dev.ferry.interop.endpoint.InteropPeers;
import dev.ferry.interop.support.FerryServeProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A QUIC stack as the runner drives it: how to start its server and its client for a case, the way the runner's
 * {@code run_endpoint.sh} of its image would.
 *
 * <ul>
 *   <li>Ferry: {@code ferry interop} in a JVM, paths and port given by variables.</li>
 *   <li>quic-go 0.29's interop endpoints, built from Debian's sources, with their fixed {@code /www},
 *       {@code /certs}, {@code /downloads} and {@code /logs} mounted privately.</li>
 *   <li>ngtcp2 0.12 ({@code gtlsserver}, {@code gtlsclient}): HTTP/3 is their only ALPN, so they take part in the
 *       {@code http3} case only; the public runner has ngtcp2 images built with hq-interop, Debian does not.</li>
 *   <li>kwik 0.10.8 and flupke 0.9.4 ({@link KwikInteropClient}, {@link KwikInteropServer}), each in a JVM of
 *       its own; the server writes no TLS key log, so its captures are read with the client's.</li>
 *   <li>Caddy 2.6 as an HTTP/3 server (quic-go inside, a later version than the interop build): the
 *       {@code http3} case only, since Caddy speaks no hq-interop; it writes no TLS key log, so the capture is
 *       read with the client's.</li>
 * </ul>
 */
enum Implementation {
    FERRY, QUIC_GO, NGTCP2, KWIK, CADDY;

    /** Where each side of a case keeps its files. */
    record Dirs(Path www, Path certs, Path downloads, Path serverLogs, Path clientLogs) {
        Path serverKeys() {
            return serverLogs.resolve("keys.log");
        }

        Path clientKeys() {
            return clientLogs.resolve("keys.log");
        }
    }

    String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Implementation named(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** Why this stack's server sits out {@code testCase} before it is even asked, or null when it takes part. */
    String notApplicableAsServer(String testCase) {
        return switch (this) {
            case NGTCP2 -> testCase.equals("http3") ? null : "ngtcp2 from Debian speaks h3 only (no hq-interop)";
            case CADDY -> testCase.equals("http3") ? null : "Caddy speaks h3 only (no hq-interop)";
            default -> null;
        };
    }

    /** Why this stack's client sits out {@code testCase} before it is even asked, or null when it takes part. */
    String notApplicableAsClient(String testCase) {
        return switch (this) {
            case NGTCP2 -> testCase.equals("http3") ? null : "ngtcp2 from Debian speaks h3 only (no hq-interop)";
            case CADDY -> "Caddy is a server";
            default -> null;
        };
    }

    /** The server's command for {@code testCase}, run in the server namespace; it listens on UDP 443. */
    List<String> server(String testCase, Dirs dirs) {
        return switch (this) {
            case FERRY -> ferry("server", testCase, List.of("PORT=443", "WWW=" + dirs.www(), "CERTS=" + dirs.certs(),
                    "SSLKEYLOGFILE=" + dirs.serverKeys(), "QLOGDIR=" + dirs.serverLogs().resolve("qlog")));
            case QUIC_GO -> {
                List<String> c = new ArrayList<>(List.of("env", "TESTCASE=" + testCase, "QLOGDIR=/logs/qlog",
                        "SSLKEYLOGFILE=/logs/keys.log", InteropPeers.WITH_MOUNTS.toString(), "/www=" + dirs.www(),
                        "/certs=" + dirs.certs(), "/logs=" + dirs.serverLogs(), "--",
                        InteropPeers.QUIC_GO_SERVER.toString()));
                yield c;
            }
            case NGTCP2 -> {
                List<String> c = new ArrayList<>(List.of("env", "SSLKEYLOGFILE=" + dirs.serverKeys(),
                        "/usr/sbin/gtlsserver", "-q", "-d", dirs.www().toString()));
                if (testCase.equals("retry")) {
                    c.add("-V");
                }
                c.addAll(List.of("0.0.0.0", "443", dirs.certs().resolve("priv.key").toString(),
                        dirs.certs().resolve("cert.pem").toString()));
                yield c;
            }
            case CADDY -> caddy(dirs);
            case KWIK -> List.of("env", "TESTCASE=" + testCase, "PORT=443", "WWW=" + dirs.www(),
                    "CERTS=" + dirs.certs(), javaBinary(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    KwikInteropServer.class.getName());
        };
    }

    /**
     * The client's commands for {@code testCase}, run one after another in the client namespace. One for every stack
     * but ngtcp2, whose client takes a second run to resume a session or a run per file for one connection each.
     */
    List<List<String>> client(String testCase, Dirs dirs, List<String> urls) {
        return switch (this) {
            case FERRY -> List.of(ferry("client", testCase, List.of("REQUESTS=" + String.join(" ", urls),
                    "DOWNLOADS=" + dirs.downloads(), "SSLKEYLOGFILE=" + dirs.clientKeys())));
            case QUIC_GO -> {
                List<String> c = new ArrayList<>(List.of("env", "TESTCASE=" + testCase, "QLOGDIR=/logs/qlog",
                        "SSLKEYLOGFILE=/logs/keys.log", InteropPeers.WITH_MOUNTS.toString(),
                        "/downloads=" + dirs.downloads(), "/logs=" + dirs.clientLogs(), "--",
                        InteropPeers.QUIC_GO_CLIENT.toString()));
                c.addAll(urls);
                yield List.of(c);
            }
            case NGTCP2 -> List.of(gtlsclient(dirs, urls, List.of()));
            case KWIK -> List.of(kwik(testCase, dirs, urls));
            case CADDY -> throw new IllegalStateException(notApplicableAsClient(testCase));
        };
    }

    /** Whether the exit code of this stack's client tells success from failure (gtlsclient's does not). */
    boolean exitCodeMeansSomething() {
        return this != NGTCP2;
    }

    private static List<String> ferry(String role, String testCase, List<String> variables) {
        List<String> c = new ArrayList<>(List.of("env", "ROLE=" + role, "TESTCASE=" + testCase));
        c.addAll(variables);
        c.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                FerryServeProcess.classPathWithout(entry -> entry.contains("test-classes")),
                "dev.ferry.app.FerryMain", "interop", role));
        return c;
    }

    private static List<String> kwik(String testCase, Implementation.Dirs dirs, List<String> urls) {
        return List.of("env", "TESTCASE=" + testCase, "REQUESTS=" + String.join(" ", urls),
                "DOWNLOADS=" + dirs.downloads(), "SSLKEYLOGFILE=" + dirs.clientKeys(),
                javaBinary(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                KwikInteropClient.class.getName());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Caddy serving {@code www} over HTTP/3 on 443 (and HTTP/1.1 and 2 on TCP 443, which the runner ignores) with the
     * runner's certificate, chosen for every name since clients may send no SNI. Its state stays in the case's
     * server log directory.
     */
    private static List<String> caddy(Implementation.Dirs dirs) {
        Path home = dirs.serverLogs().resolve("caddy");
        String config = """
                {
                \tadmin off
                \tstorage file_system %1$s/data
                \tskip_install_trust
                \tauto_https disable_redirects
                \thttp_port 80
                \thttps_port 443
                \tdefault_sni server
                \tservers {
                \t\tprotocols h1 h2 h3
                \t}
                }
                https:// {
                \ttls %2$s %3$s
                \troot * %4$s
                \tfile_server
                }
                """.formatted(home, dirs.certs().resolve("cert.pem"), dirs.certs().resolve("priv.key"), dirs.www());
        try {
            java.nio.file.Files.createDirectories(home);
            java.nio.file.Files.writeString(home.resolve("Caddyfile"), config);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return List.of("env", "HOME=" + home, "XDG_DATA_HOME=" + home, "XDG_CONFIG_HOME=" + home, "caddy", "run",
                "--config", home.resolve("Caddyfile").toString(), "--adapter", "caddyfile");
    }

    private static List<String> gtlsclient(Dirs dirs, List<String> urls, List<String> extra) {
        String first = urls.get(0);
        String host = first.substring("https://".length(), first.indexOf(':', "https://".length()));
        List<String> c = new ArrayList<>(List.of("env", "SSLKEYLOGFILE=" + dirs.clientKeys(), "/usr/bin/gtlsclient",
                "-q", "--exit-on-all-streams-close", "--download=" + dirs.downloads()));
        c.addAll(extra);
        c.addAll(List.of(host, "443"));
        c.addAll(urls);
        return c;
    }
}
