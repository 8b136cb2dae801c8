package dev.ferry.interop.privacy;

import static dev.ferry.interop.privacy.PrivacyTopology.CLIENT;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP1_BACK;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP1_FRONT;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP1_PORT;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP2_EGRESS_BERLIN;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP2_EGRESS_DEFAULT;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP2_FRONT;
import static dev.ferry.interop.privacy.PrivacyTopology.HOP2_PORT;
import static dev.ferry.interop.privacy.PrivacyTopology.ORIGIN;
import static dev.ferry.interop.privacy.PrivacyTopology.ORIGIN_H3_PORT;
import static dev.ferry.interop.privacy.PrivacyTopology.ORIGIN_HTTPS_PORT;
import static dev.ferry.interop.privacy.PrivacyTopology.ORIGIN_HTTP_PORT;
import static dev.ferry.interop.privacy.PrivacyTopology.ORIGIN_NAME;

import dev.ferry.bridge.builtin.TokenStore;
import dev.ferry.http3.tls.SelfSignedCertificate;
import dev.ferry.interop.support.BackgroundProcess;
import dev.ferry.interop.support.NetworkNamespaces;
import dev.ferry.interop.support.PacketCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Who runs in the {@link PrivacyTopology}: nginx and gtlsserver in the origin namespace, a Ferry process as
 * each hop (hop1 an ingress whose only next hop is hop2; hop2 an egress that accepts hop1's network only and leaves
 * from one of two pool addresses by the client's geohash), and a capture on every namespace but the client's.
 * Each hop needs its own token. Hop1 writes its TLS secrets to a key log, so that its capture can be decrypted to
 * show what it read.
 */
final class PrivacyParties implements AutoCloseable {
    static final String HOP1_TOKEN = "hop1-token-for-the-ingress";
    static final String HOP2_TOKEN = "hop2-token-for-the-egress";
    private static final Duration STARTUP = Duration.ofSeconds(30);

    final PrivacyTopology net;
    final Path work;
    final Path docroot;
    final Path hop1Keylog;
    final Path hop1AccessLog;
    final Path hop2AccessLog;
    final Path nginxAccessLog;
    final Path gtlsserverLog;
    final PacketCapture hop1Capture;
    final PacketCapture hop2Capture;
    final PacketCapture originCapture;
    private final List<AutoCloseable> running = new ArrayList<>();

    PrivacyParties(PrivacyTopology net, Path work, Path docroot) throws Exception {
        this.net = net;
        this.work = work;
        this.docroot = docroot;
        this.hop1Keylog = work.resolve("hop1-tls-keys.log");
        this.hop1AccessLog = work.resolve("hop1-access.log");
        this.hop2AccessLog = work.resolve("hop2-access.log");
        this.nginxAccessLog = work.resolve("nginx/access.log");
        this.gtlsserverLog = work.resolve("gtlsserver.log");
        try {
            hop1Capture = keep(PacketCapture.start(net.hop1, work, "hop1"));
            hop2Capture = keep(PacketCapture.start(net.hop2, work, "hop2"));
            originCapture = keep(PacketCapture.start(net.origin, work, "origin"));
            SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of(ORIGIN_NAME), List.of(),
                    Duration.ofDays(1));
            startNginx(cert);
            startGtlsserver(cert);
            startHop("hop2", net.hop2, hop2Config(), List.of(), "0.0.0.0:" + HOP2_PORT);
            startHop("hop1", net.hop1, hop1Config(), List.of("SSLKEYLOGFILE=" + hop1Keylog),
                    HOP1_FRONT + ":" + HOP1_PORT);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** The Java command that runs {@code ferry} with this JVM's class path. */
    static List<String> ferry(String... args) {
        return java("dev.ferry.app.FerryMain", List.of(args));
    }

    /** The Java command that runs {@code mainClass} with this JVM's class path (test classes included). */
    static List<String> java(String mainClass, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return command;
    }

    /** Starts {@code command} in {@code namespace} and waits until its output shows {@code ready}. */
    BackgroundProcess startAndAwait(String namespace, String name, List<String> command, String ready)
            throws Exception {
        BackgroundProcess process = keep(BackgroundProcess.start(NetworkNamespaces.inside(namespace, command), work,
                name));
        process.awaitOutput(ready, STARTUP);
        return process;
    }

    private void startHop(String name, String namespace, String config, List<String> environment, String listen)
            throws Exception {
        Path file = Files.writeString(work.resolve(name + ".yaml"), config);
        List<String> command = new ArrayList<>(List.of("env"));
        command.addAll(environment);
        command.addAll(ferry("serve", "--config", file.toString()));
        startAndAwait(namespace, name, command, "ferry: listening on https://" + listen);
    }

    /** Hop1: CONNECT-UDP to hop2 and nothing else, for clients with hop1's token. */
    private String hop1Config() {
        return """
                proxy-name: hop1
                state-dir: %s
                listeners:
                  - address: %s:%d
                tunnels:
                  connect-udp: true
                  auth: {tokens-sha256: [%s]}
                  egress: {allow: [10.250.2.0/24]}
                privacy:
                  role: ingress
                  next-hops: [%s:%d]
                access-log: {path: %s}
                """.formatted(work.resolve("hop1-state"), HOP1_FRONT, HOP1_PORT, TokenStore.hash(HOP1_TOKEN),
                HOP2_FRONT, HOP2_PORT, hop1AccessLog);
    }

    /**
     * Hop2: CONNECT and CONNECT-UDP to the origin's network for hop1's network only, the origin's name known to
     * it alone, and two egress pools: Berlin ({@code u33}) and the default.
     */
    private String hop2Config() {
        return """
                proxy-name: hop2
                state-dir: %s
                listeners:
                  - address: 0.0.0.0:%d
                tunnels:
                  connect: true
                  connect-udp: true
                  auth: {tokens-sha256: [%s]}
                  egress: {allow: [10.250.3.0/24]}
                  hosts: {%s: %s}
                privacy:
                  role: egress
                  source-networks: [10.250.2.0/24]
                  egress-pools:
                    - {geohash: u33, addresses: [%s], country: DE, region: DE-BE, city: Berlin}
                    - {addresses: [%s], country: US}
                access-log: {path: %s}
                """.formatted(work.resolve("hop2-state"), HOP2_PORT, TokenStore.hash(HOP2_TOKEN), ORIGIN_NAME,
                ORIGIN, HOP2_EGRESS_BERLIN, HOP2_EGRESS_DEFAULT, hop2AccessLog);
    }

    /**
     * nginx with TLS and in clear; its log records the peer address and every field that could name a client or a
     * hop, and {@code /whoami} answers with the address a connection came from.
     */
    private void startNginx(SelfSignedCertificate cert) throws Exception {
        Path dir = Files.createDirectories(work.resolve("nginx"));
        String config = """
                daemon off;
                master_process off;
                worker_processes 1;
                user root;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                  log_format parties '$remote_addr "$request" $status fwd="$http_forwarded" xff="$http_x_forwarded_for" via="$http_via" real="$http_x_real_ip" geo="$http_sec_ch_geohash" client="$http_client_ip"';
                  access_log %1$s/access.log parties;
                  client_body_temp_path %1$s/client_body_temp;
                  proxy_temp_path %1$s/proxy_temp;
                  fastcgi_temp_path %1$s/fastcgi_temp;
                  uwsgi_temp_path %1$s/uwsgi_temp;
                  scgi_temp_path %1$s/scgi_temp;
                  default_type application/octet-stream;
                  server {
                    listen %2$s:%3$d ssl;
                    listen %2$s:%4$d;
                    server_name %5$s;
                    ssl_certificate %6$s;
                    ssl_certificate_key %7$s;
                    root %8$s;
                    location = /whoami { default_type text/plain; return 200 "$remote_addr\\n"; }
                    location / { }
                  }
                }
                """.formatted(dir, ORIGIN, ORIGIN_HTTPS_PORT, ORIGIN_HTTP_PORT, ORIGIN_NAME,
                cert.certificatePath(), cert.privateKeyPath(), docroot);
        Path file = Files.writeString(dir.resolve("nginx.conf"), config);
        BackgroundProcess nginx = keep(BackgroundProcess.start(NetworkNamespaces.inside(net.origin,
                List.of("/usr/sbin/nginx", "-c", file.toString(), "-e", dir.resolve("error.log").toString())), dir,
                "nginx"));
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (!Files.isRegularFile(dir.resolve("nginx.pid"))) {
            if (!nginx.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("nginx did not start:\n" + nginx.logText());
            }
            Thread.sleep(50);
        }
    }

    /** ngtcp2's HTTP/3 server; without {@code -q} it logs each packet's peer and each request's header fields. */
    private void startGtlsserver(SelfSignedCertificate cert) throws Exception {
        startAndAwait(net.origin, "gtlsserver", List.of("/usr/sbin/gtlsserver", "--no-quic-dump", "-d",
                docroot.toString(), ORIGIN, Integer.toString(ORIGIN_H3_PORT), cert.privateKeyPath().toString(),
                cert.certificatePath().toString()), "Using document root");
    }

    private <T extends AutoCloseable> T keep(T resource) {
        running.add(resource);
        return resource;
    }

    /** Everything this test started in the namespaces, newest first, captures last but one, hop addresses kept. */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        running.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** Addresses each party may know; for messages. */
    static String addressPlan() {
        return "client " + CLIENT + ", hop1 " + HOP1_FRONT + "/" + HOP1_BACK + ", hop2 " + HOP2_FRONT + "/"
                + HOP2_EGRESS_DEFAULT + "+" + HOP2_EGRESS_BERLIN + ", origin " + ORIGIN;
    }
}
