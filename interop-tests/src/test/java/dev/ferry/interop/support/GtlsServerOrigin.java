package dev.ferry.interop.support;

import dev.ferry.http3.tls.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ngtcp2's {@code gtlsserver} on 127.0.0.1 serving one file of random bytes over HTTP/3: the far end of QUIC inside
 * a tunnel, a QUIC stack nobody here wrote.
 */
public final class GtlsServerOrigin implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path file;

    private GtlsServerOrigin(Process process, int port, Path file) {
        this.process = process;
        this.port = port;
        this.file = file;
    }

    /** Serves {@code name}, {@code size} bytes, from a document root under {@code work}; logs to gtlsserver.log. */
    public static GtlsServerOrigin start(Path work, String name, long size) throws Exception {
        Path docroot = Files.createDirectories(work.resolve("htdocs"));
        Path file = RandomFiles.create(docroot.resolve(name), size, 42);
        SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of("localhost"), List.of(),
                Duration.ofDays(1));
        int port = FreePorts.udp();
        Process server = new ProcessBuilder("/usr/sbin/gtlsserver", "-q", "-d", docroot.toString(), "127.0.0.1",
                Integer.toString(port), cert.privateKeyPath().toString(), cert.certificatePath().toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("gtlsserver.log").toFile()).start();
        BoundPorts.awaitUdp(port, server, Duration.ofSeconds(10));
        return new GtlsServerOrigin(server, port, file);
    }

    public int port() {
        return port;
    }

    /** The file served, as written. */
    public Path file() {
        return file;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
