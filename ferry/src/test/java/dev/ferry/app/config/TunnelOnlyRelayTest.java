package dev.ferry.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.cli.GetCommand;
import dev.ferry.app.server.FerryServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A relay configured with tunnels and no origins starts, and answers a plain request 404 with
 * {@code Proxy-Status: ...; error=destination_not_found} instead of failing to build its routes.
 */
class TunnelOnlyRelayTest {
    @TempDir
    Path dir;

    @Test
    void answersPlainRequestsNotFound() throws Exception {
        Path file = Files.writeString(dir.resolve("relay.yaml"), """
                state-dir: state
                listeners: [{address: '127.0.0.1:0'}]
                access-log: {enabled: false}
                tunnels:
                  connect-udp: true
                  auth: {required: false}
                """);
        FerryConfig config = ConfigLoader.load(file);
        try (FerryServer server = FerryServer.create(config).start()) {
            int port = server.listenerAddresses().get(0).getPort();
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            int exit = new CommandLine(new GetCommand(new PrintStream(stdout, true), new PrintStream(stderr, true)))
                    .execute("-k", "-i", "--connect-to", "127.0.0.1:" + port, "https://localhost:" + port + "/x");
            String response = stdout.toString(StandardCharsets.UTF_8);
            assertEquals(0, exit, stderr.toString(StandardCharsets.UTF_8));
            assertTrue(response.startsWith("HTTP/3 404"), response);
            assertTrue(response.toLowerCase(Locale.ROOT).contains("error=destination_not_found"), response);
        }
    }
}
