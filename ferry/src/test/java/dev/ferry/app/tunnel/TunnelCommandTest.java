package dev.ferry.app.tunnel;

import dev.ferry.app.cli.TunnelCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@code ferry tunnel udp|tcp} run in-process, driven by plain JDK sockets as any local program would. */
class TunnelCommandTest {
    private static final Pattern BANNER = Pattern.compile("ferry tunnel: (udp|tcp) 127\\.0\\.0\\.1:(\\d+) -> ");

    @TempDir
    static Path stateDir;
    private static TunnelFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new TunnelFixture(stateDir);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** A command running on its own thread, with its standard error captured. */
    private static final class Running {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final AtomicInteger exit = new AtomicInteger(-1);
        Thread thread;

        synchronized String stderr() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        int awaitPort() throws InterruptedException {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < deadline && thread.isAlive()) {
                Matcher m = BANNER.matcher(stderr());
                if (m.find()) {
                    return Integer.parseInt(m.group(2));
                }
                Thread.sleep(20);
            }
            return fail("no banner on stderr: " + stderr());
        }
    }

    @Test
    void udpCommandForwardsDatagramsBothWays() throws Exception {
        Running r = new Running();
        TunnelCommand.Udp command = new TunnelCommand.Udp(r.err);
        r.thread = new Thread(() -> r.exit.set(new CommandLine(command).execute("--via", fixture.via(),
                "--target", "127.0.0.1:" + fixture.udpEcho.port(), "--listen", "127.0.0.1:0", "-k")));
        r.thread.start();
        int port = r.awaitPort();
        int echoed;
        try {
            echoed = echoes(port, 20, "datagram ", 2000);
        } finally {
            command.stop();
            r.thread.join(10_000);
        }
        assertTrue(echoed >= 19, "only " + echoed + " of 20 datagrams echoed; stderr: " + r.stderr());
        assertEquals(0, r.exit.get(), r.stderr());
        assertTrue(r.stderr().matches("(?s).*datagrams \\(up to \\d+ bytes\\) local->target 20 .*"), r.stderr());
    }

    @Test
    void tcpCommandRelaysAStreamAndItsHalfClose() throws Exception {
        Running r = new Running();
        TunnelCommand.Tcp command = new TunnelCommand.Tcp(r.err);
        r.thread = new Thread(() -> r.exit.set(new CommandLine(command).execute("--via", fixture.via(),
                "--target", "127.0.0.1:" + fixture.tcpEcho.port(), "--listen", "127.0.0.1:0", "-k")));
        r.thread.start();
        int port = r.awaitPort();
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        try {
            for (int round = 0; round < 2; round++) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    socket.setSoTimeout(20_000);
                    Thread writer = new Thread(() -> {
                        try {
                            OutputStream out = socket.getOutputStream();
                            out.write(data);
                            socket.shutdownOutput();
                        } catch (Exception ignored) {
                            // The reader's assertion reports it.
                        }
                    });
                    writer.start();
                    InputStream in = socket.getInputStream();
                    byte[] back = in.readAllBytes();
                    writer.join();
                    assertArrayEquals(data, back, "round " + round);
                }
            }
        } finally {
            command.stop();
            r.thread.join(10_000);
        }
        assertEquals(0, r.exit.get(), r.stderr());
        assertTrue(r.stderr().contains("connections 2 (0 failed)"), r.stderr());
    }

    @Test
    void refusedTargetEndsTheCommandWithTheRelaysReason() throws Exception {
        Running refused = new Running();
        TunnelCommand.Udp command = new TunnelCommand.Udp(refused.err);
        refused.thread = new Thread(() -> refused.exit.set(new CommandLine(command).execute("--via", fixture.via(),
                "--target", "10.0.0.1:53", "--listen", "127.0.0.1:0", "-k")));
        refused.thread.start();
        refused.thread.join(20_000);
        assertEquals(7, refused.exit.get(), refused.stderr());
        assertTrue(refused.stderr().contains("403"), refused.stderr());
        assertTrue(refused.stderr().contains("destination_ip_prohibited"), refused.stderr());
    }

    @Test
    void udpCommandReachesItsTargetThroughTwoRelaysInARow(@TempDir Path secondState) throws Exception {
        try (TunnelFixture second = new TunnelFixture(secondState)) {
            long carriedBefore = fixture.relay.tunnelTotals().datagramsToTarget();
            Running r = new Running();
            TunnelCommand.Udp command = new TunnelCommand.Udp(r.err);
            r.thread = new Thread(() -> r.exit.set(new CommandLine(command).execute("--via", fixture.via(),
                    "--via", second.via(), "--target", "127.0.0.1:" + second.udpEcho.port(),
                    "--listen", "127.0.0.1:0", "-k")));
            r.thread.start();
            int port = r.awaitPort();
            int echoed;
            try {
                echoed = echoes(port, 10, "two hops ", 3000);
            } finally {
                command.stop();
                r.thread.join(10_000);
            }
            assertTrue(echoed >= 9, "only " + echoed + " of 10 datagrams echoed; stderr: " + r.stderr());
            assertTrue(r.stderr().contains(" via " + fixture.via() + " via " + second.via()), r.stderr());
            assertEquals(0, fixture.udpEcho.received.get(), "the first relay carried the tunnel to the second only");
            // A tunnel's counts join the relay's totals when it ends, which the stop above set going.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (fixture.relay.tunnelTotals().datagramsToTarget() <= carriedBefore && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(fixture.relay.tunnelTotals().datagramsToTarget() > carriedBefore + 10,
                    "the first relay carried the inner QUIC to the second: " + fixture.relay.tunnelTotals());
        }
    }

    /**
     * Sends {@code count} datagrams of growing size to the local tunnel port, one at a time, and counts the echoes
     * that come back byte for byte. UDP may lose one on a busy machine; callers allow for it.
     */
    private static int echoes(int port, int count, String text, int timeoutMillis) throws Exception {
        int echoed = 0;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(timeoutMillis);
            for (int i = 0; i < count; i++) {
                byte[] out = (text + i + " ").repeat(i + 1).getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), port));
                DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
                try {
                    socket.receive(in);
                    assertArrayEquals(out, Arrays.copyOf(in.getData(), in.getLength()));
                    echoed++;
                } catch (SocketTimeoutException lost) {
                    // counted below by the caller
                }
            }
        }
        return echoed;
    }
}
