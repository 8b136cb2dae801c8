package dev.ferry.app.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.cli.GetCommand;
import dev.ferry.testorigin.Http3TestOrigin;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ferry get --via}: the request's QUIC connection to an HTTP/3 origin runs inside CONNECT-UDP through one
 * relay, and through two in a row (the second reached inside a tunnel through the first).
 */
class GetThroughRelaysTest {

    private static String get(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(new GetCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8) + "\n--\n" + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void fetchesFromAnHttp3OriginThroughOneRelayAndThroughTwo(@TempDir Path first, @TempDir Path second)
            throws Exception {
        try (Http3TestOrigin origin = new Http3TestOrigin();
             TunnelFixture hop1 = new TunnelFixture(first);
             TunnelFixture hop2 = new TunnelFixture(second)) {
            String url = "https://localhost:" + origin.address().getPort() + "/hello";
            String one = get("-k", "-v", "--via", hop1.via(), "--connect-to", "127.0.0.1:"
                    + origin.address().getPort(), url);
            assertTrue(one.startsWith("hello"), one);
            assertTrue(one.contains("* through " + hop1.via()), one);
            long hop1Before = hop1.relay.tunnelTotals().datagramsToTarget();

            String two = get("-k", "--via", hop1.via(), "--via", hop2.via(), "--connect-to", "127.0.0.1:"
                    + origin.address().getPort(), url);
            assertTrue(two.startsWith("hello"), two);
            long deadline = System.nanoTime() + 5_000_000_000L;
            // A tunnel's counts join the relay's totals when it ends, just after the command returns.
            while ((hop2.relay.tunnelTotals().datagramsToTarget() == 0
                    || hop1.relay.tunnelTotals().datagramsToTarget() <= hop1Before) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(hop2.relay.tunnelTotals().datagramsToTarget() > 0, "the second relay reached the origin");
            assertTrue(hop1.relay.tunnelTotals().datagramsToTarget() > hop1Before,
                    "the first relay carried the QUIC to the second");
        }
    }
}
