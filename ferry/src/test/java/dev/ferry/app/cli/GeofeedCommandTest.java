package dev.ferry.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GeofeedCommandTest {

    private static int run(Path file, StringWriter out, StringWriter err) {
        return new CommandLine(new GeofeedCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(file.toString());
    }

    @Test
    void printsTheEgressPoolsAsAGeofeed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("egress.yaml");
        Files.writeString(file, """
                tunnels: {connect-udp: true, auth: {required: false}}
                privacy:
                  role: egress
                  egress-pools:
                    - {geohash: u33, addresses: [192.0.2.10, "2001:db8::10"], country: DE, region: DE-BE, city: Berlin}
                    - {addresses: [198.51.100.1], country: US}
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, run(file, out, err), err.toString());
        assertEquals("""
                # RFC 8805 geofeed: ip_prefix,alpha2code,region,city,postal_code
                192.0.2.10/32,DE,DE-BE,Berlin,
                2001:db8::10/128,DE,DE-BE,Berlin,
                198.51.100.1/32,US,,,
                """, out.toString());
    }

    @Test
    void aRelayThatIsNoEgressHasNoGeofeed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plain.yaml");
        Files.writeString(file, "origins: {app: {endpoints: ['127.0.0.1:8080']}}\n");
        StringWriter err = new StringWriter();
        assertEquals(CheckCommand.INVALID, run(file, new StringWriter(), err));
        assertTrue(err.toString().contains("privacy.egress-pools: missing"), err.toString());
    }
}
