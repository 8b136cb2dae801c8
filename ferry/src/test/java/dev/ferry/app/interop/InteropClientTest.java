package dev.ferry.app.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.cli.InteropCommand;
import dev.ferry.tools.interop.Download;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InteropClientTest {
    private static final Path DL = Path.of("/downloads");

    @Test
    void eachUrlIsSavedUnderItsLastPathSegment() {
        InteropRequests r = InteropRequests.of(List.of("https://server4:443/abc", "https://server4/dir/x.bin?v=1",
                "https://server4/a%20b"), DL);
        assertEquals("server4", r.host());
        assertEquals(443, r.port());
        assertEquals(List.of(new Download("/abc", DL.resolve("abc")), new Download("/dir/x.bin?v=1",
                DL.resolve("x.bin")), new Download("/a%20b", DL.resolve("a b"))), r.downloads());
    }

    @Test
    void anIpv6LiteralLosesItsBracketsAndKeepsItsPort() {
        InteropRequests r = InteropRequests.of(List.of("https://[fd00:cafe::100]:8444/f"), DL);
        assertEquals("fd00:cafe::100", r.host());
        assertEquals(8444, r.port());
    }

    @Test
    void urlsThatCannotBeSavedOrNameAnotherServerAreRefused() {
        for (List<String> bad : List.of(List.<String>of(), List.of("http://server4/a"), List.of("https:///a"),
                List.of("https://server4/"), List.of("https://server4/dir/.."), List.of("https://server4/a b"),
                List.of("https://server4/a", "https://server6/b"),
                List.of("https://server4/a", "https://server4:8443/b"),
                List.of("https://server4/x/a", "https://server4/y/a"))) {
            assertThrows(IllegalArgumentException.class, () -> InteropRequests.of(bad, DL), bad.toString());
        }
    }

    @Test
    void theCaseDecidesWhichFilesShareAConnection() {
        List<Download> files = List.of(new Download("/a", DL.resolve("a")), new Download("/b", DL.resolve("b")),
                new Download("/c", DL.resolve("c")));
        assertEquals(List.of(List.of("/a", "/b", "/c")),
                paths(InteropClient.plan(InteropCase.TRANSFER.client(), files)));
        assertEquals(List.of(List.of("/a"), List.of("/b"), List.of("/c")),
                paths(InteropClient.plan(InteropCase.MULTICONNECT.client(), files)));
        assertEquals(List.of(List.of("/a"), List.of("/b", "/c")),
                paths(InteropClient.plan(InteropCase.RESUMPTION.client(), files)));
        assertEquals(List.of(List.of("/a")), paths(InteropClient.plan(InteropCase.RESUMPTION.client(),
                files.subList(0, 1))));
        assertEquals(InteropCase.Client.ONE_CONNECTION, InteropCase.HTTP3.client());
        assertEquals(InteropCase.Protocol.H3, InteropCase.HTTP3.protocol());
    }

    @Test
    void badRequestsFailWithExitCode1BeforeAnyPacket() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = InteropClient.run(InteropCase.TRANSFER, InteropEnvironment.of(Map.of("ROLE", "client",
                "TESTCASE", "transfer", "REQUESTS", "ftp://server4/a")), new PrintStream(err, true,
                StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not an https URL"), err.toString());
    }

    @Test
    void casesTheClientSkipsAreUnsupportedNotFailed() {
        assertEquals(127, InteropCommand.UNSUPPORTED);
        assertTrue(InteropCase.KEYUPDATE.clientUnsupportedReason() != null);
        assertEquals(null, InteropCase.ZERORTT.clientUnsupportedReason(), "0-RTT is sent now");
        assertThrows(IllegalArgumentException.class, () -> InteropClient.plan(InteropCase.Client.UNSUPPORTED,
                List.of()));
    }

    private static List<List<String>> paths(List<List<Download>> plan) {
        return plan.stream().map(c -> c.stream().map(Download::path).toList()).toList();
    }
}
