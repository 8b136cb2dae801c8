package dev.ferry.http3.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeylogFileTest {

    @Test
    void linesAreAppendedAtOnceToAFileOnlyItsOwnerReads(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys.log");
        KeylogFile keylog = KeylogFile.open(file);
        keylog.logKey(null, "CLIENT_HANDSHAKE_TRAFFIC_SECRET 00 11");
        keylog.logKey(null, "SERVER_TRAFFIC_SECRET_0 00 22");
        // Readable before anything closes the log: a capture can be decrypted while the process runs.
        assertEquals(List.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET 00 11", "SERVER_TRAFFIC_SECRET_0 00 22"),
                Files.readAllLines(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void anExistingFileIsAppendedTo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("keys.log"), "EARLIER 00 33\n");
        KeylogFile.open(file).logKey(null, "LATER 00 44");
        assertEquals(List.of("EARLIER 00 33", "LATER 00 44"), Files.readAllLines(file));
    }
}
