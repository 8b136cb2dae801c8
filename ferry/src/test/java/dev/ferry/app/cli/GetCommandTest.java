package dev.ferry.app.cli;

import dev.ferry.testorigin.Http3TestOrigin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code ferry get} through picocli against the in-test server, checking output and curl-style exit codes. */
class GetCommandTest {
    private static Http3TestOrigin server;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        server = new Http3TestOrigin();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int run(String... args) {
        GetCommand command = new GetCommand(new PrintStream(stdout, true), new PrintStream(stderr, true));
        return new CommandLine(command).execute(args);
    }

    private String url(String path) {
        return "https://localhost:" + server.address().getPort() + path;
    }

    @Test
    void writesBodyToOutputFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("hello.txt");
        int exit = run("-k", "--connect-to", "127.0.0.1:" + server.address().getPort(), "-o", out.toString(),
                url("/hello"));
        assertEquals(0, exit, stderr.toString());
        assertEquals("hello", Files.readString(out));
    }

    @Test
    void postsFileAndPrintsHeadWithInclude(@TempDir Path dir) throws Exception {
        Path upload = Files.writeString(dir.resolve("up.txt"), "ping");
        int exit = run("--cacert", server.certificateFile().toString(), "-i", "-v", "-d", "@" + upload,
                "-H", "X-Trace: 1", "--connect-to", "127.0.0.1:" + server.address().getPort(), url("/echo"));
        assertEquals(0, exit, stderr.toString());
        assertEquals("HTTP/3 200\r\n\r\nping", stdout.toString(StandardCharsets.UTF_8));
        String log = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("> :method: POST"), log);
        assertTrue(log.contains("> x-trace: 1"), log);
        assertTrue(log.contains("< :status: 200"), log);
        assertTrue(log.contains("< x-echo-bytes: 4"), log);
    }

    @Test
    void writesAQlogFileForTheConnectionIntoQlogDir(@TempDir Path dir) throws Exception {
        Path qlogs = dir.resolve("qlogs");
        int exit = run("-k", "--qlog-dir", qlogs.toString(), "-o", dir.resolve("out").toString(),
                "--connect-to", "127.0.0.1:" + server.address().getPort(), url("/hello"));
        assertEquals(0, exit, stderr.toString());
        try (var files = Files.list(qlogs)) {
            List<Path> written = files.toList();
            assertEquals(1, written.size(), written.toString());
            assertTrue(Files.readString(written.get(0)).contains("\"vantage_point\":{\"type\":\"client\"}"));
        }
    }

    @Test
    void failFlagMapsNotFoundTo22() {
        String target = "127.0.0.1:" + server.address().getPort();
        assertEquals(0, run("-k", "--connect-to", target, url("/missing")));
        assertEquals(22, run("-k", "-f", "--connect-to", target, url("/missing")));
    }

    @Test
    void resetExits56() {
        int exit = run("-k", "--connect-to", "127.0.0.1:" + server.address().getPort(), url("/reset"));
        assertEquals(56, exit, stderr.toString());
        assertTrue(stderr.toString().contains("H3_REQUEST_CANCELLED"), stderr.toString());
    }

    @Test
    void unreachableExits7() throws Exception {
        int port;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        int exit = run("-k", "--connect-timeout", "1s", "https://127.0.0.1:" + port + "/");
        assertEquals(7, exit);
        assertEquals("ferry get: cannot connect to 127.0.0.1:" + port + ": handshake timed out after 1s",
                stderr.toString().trim());
    }
}
