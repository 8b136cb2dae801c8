package dev.ferry.http3.tls;

import io.netty.handler.codec.quic.BoringSSLKeylog;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import javax.net.ssl.SSLEngine;

/**
 * TLS secrets appended to a file in the NSS key log format that Wireshark and tshark read, for decrypting captured
 * QUIC. Switched on by the {@code SSLKEYLOGFILE} environment variable, as browsers and curl do; whoever reads the
 * file can decrypt every connection it lists, so it is created readable by its owner only and its use is announced
 * on standard error when it opens.
 */
public final class KeylogFile implements BoringSSLKeylog {
    /** The environment variable that names the file. */
    public static final String VARIABLE = "SSLKEYLOGFILE";
    private static volatile KeylogFile fromEnvironment;
    /** Files opened for configured key logs, one writer per path for the whole process. */
    private static final java.util.Map<Path, KeylogFile> CONFIGURED = new java.util.HashMap<>();
    private final Path path;
    private final Writer writer;

    private KeylogFile(Path path) throws IOException {
        this.path = path;
        if (!Files.exists(path)) {
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(path);
            }
        }
        this.writer = Files.newBufferedWriter(path, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
    }

    /** A key log appending to {@code path}, created owner-only if it does not exist. */
    static KeylogFile open(Path path) throws IOException {
        return new KeylogFile(path);
    }

    /**
     * The file {@code SSLKEYLOGFILE} names, opened once per process (with a warning on {@code warnings}); null when
     * the variable is unset or empty.
     *
     * @throws UncheckedIOException when the file cannot be opened for appending, naming it
     */
    public static KeylogFile fromEnvironment(PrintStream warnings) {
        String name = System.getenv(VARIABLE);
        if (name == null || name.isBlank()) {
            return null;
        }
        synchronized (KeylogFile.class) {
            if (fromEnvironment == null) {
                Path path = Path.of(name);
                try {
                    fromEnvironment = new KeylogFile(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(VARIABLE + ": cannot append to " + path + ": " + e.getMessage(), e);
                }
                warnings.println("ferry: WARNING: " + VARIABLE + " is set: the TLS secrets of every connection are"
                        + " written to " + path + "; anyone who reads it can decrypt this process's traffic");
            }
            return fromEnvironment;
        }
    }

    /**
     * The key log at {@code path} (a listener's {@code keylog-file}), opened once per process with a warning on
     * {@code warnings}; when {@code SSLKEYLOGFILE} names the same file, the same writer.
     *
     * @throws UncheckedIOException when the file cannot be opened for appending, naming it
     */
    public static KeylogFile forPath(Path path, PrintStream warnings) {
        Path normalized = path.toAbsolutePath().normalize();
        synchronized (KeylogFile.class) {
            if (fromEnvironment != null && fromEnvironment.path.toAbsolutePath().normalize().equals(normalized)) {
                return fromEnvironment;
            }
            KeylogFile file = CONFIGURED.get(normalized);
            if (file == null) {
                try {
                    file = new KeylogFile(normalized);
                } catch (IOException e) {
                    throw new UncheckedIOException("keylog-file: cannot append to " + normalized + ": "
                            + e.getMessage(), e);
                }
                CONFIGURED.put(normalized, file);
                warnings.println("ferry: WARNING: keylog-file is set: the TLS secrets of every QUIC connection are"
                        + " written to " + normalized + "; anyone who reads it can decrypt this traffic");
            }
            return file;
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void logKey(SSLEngine engine, String line) {
        synchronized (writer) {
            try {
                writer.write(line);
                writer.write('\n');
                // Flushed line by line, so that a capture can be decrypted while the process still runs.
                writer.flush();
            } catch (IOException e) {
                // A debugging aid must not break the connection it describes.
            }
        }
    }
}
