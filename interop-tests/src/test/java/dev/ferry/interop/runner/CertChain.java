package dev.ferry.interop.runner;

import dev.ferry.interop.support.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate chain as long as the runner's {@code amplificationlimit} case makes ({@code generate_cert_chain(9)}):
 * a root, intermediates, and a leaf for the server's names, written as {@code cert.pem} (the leaf, then every
 * intermediate, up to but not including the root) and {@code priv.key}. With RSA 3072 keys the chain runs past the
 * 7,500 bytes of server Handshake data the case's check looks for: a server that sends all of it must stop at three
 * times what the client sent and wait for the client's address to be validated. Made with openssl, as the runner's
 * {@code certs.sh} does. The run's ordinary certificate is made here too, as a chain of two with an RSA 2048 key:
 * RSA is the one key type every stack in the matrix loads (kwik 0.10.8's server reads RSA keys only).
 */
final class CertChain {
    private CertChain() {
    }

    /**
     * Writes a chain of {@code length} certificates (root included) for {@code names} and {@code ips} into dir, with
     * RSA keys of {@code keyBits}.
     */
    static void write(Path dir, int length, int keyBits, List<String> names, List<String> ips) throws IOException {
        String rsa = "rsa:" + keyBits;
        Path work = Files.createDirectories(dir.resolve("chain"));
        Path caExtensions = Files.writeString(work.resolve("ca.ext"),
                "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        List<String> san = new ArrayList<>();
        names.forEach(n -> san.add("DNS:" + n));
        ips.forEach(ip -> san.add("IP:" + ip));
        Path leafExtensions = Files.writeString(work.resolve("leaf.ext"), "subjectAltName=" + String.join(",", san)
                + "\nbasicConstraints=CA:FALSE\n");
        openssl(work, "req", "-x509", "-newkey", rsa, "-nodes", "-keyout", "0.key", "-out", "0.pem", "-days",
                "2", "-subj", "/CN=interop root", "-addext", "basicConstraints=critical,CA:TRUE");
        StringBuilder chain = new StringBuilder();
        for (int i = 1; i < length; i++) {
            boolean leaf = i == length - 1;
            openssl(work, "req", "-newkey", rsa, "-nodes", "-keyout", i + ".key", "-out", i + ".csr", "-subj",
                    leaf ? "/CN=" + names.get(0) : "/CN=interop intermediate " + i);
            openssl(work, "x509", "-req", "-in", i + ".csr", "-CA", (i - 1) + ".pem", "-CAkey", (i - 1) + ".key",
                    "-set_serial", Integer.toString(1000 + i), "-out", i + ".pem", "-days", "2", "-extfile",
                    (leaf ? leafExtensions : caExtensions).toString());
            // The leaf first, then its issuer, and so on up: the order TLS sends them in.
            chain.insert(0, Files.readString(work.resolve(i + ".pem"), StandardCharsets.US_ASCII));
        }
        Files.writeString(dir.resolve("cert.pem"), chain, StandardCharsets.US_ASCII);
        Files.copy(work.resolve((length - 1) + ".key"), dir.resolve("priv.key"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void openssl(Path work, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        ProcessRunner.Result r = ProcessRunner.run(command, work, "openssl", Duration.ofSeconds(60));
        if (r.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + r.stderrText());
        }
    }
}
