package dev.ferry.app.tunnel;

import dev.ferry.app.config.AccessLogConfig;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.HeadersConfig;
import dev.ferry.app.config.ListenerConfig;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.QuicConfig;
import dev.ferry.app.config.TlsFilesConfig;
import dev.ferry.app.config.TunnelsConfig;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.app.server.FerryServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A relay with tunnels on (no credentials, egress to loopback allowed, any port) in front of the built-in origin,
 * which the configuration requires, plus UDP and TCP echo servers on loopback as tunnel targets.
 */
final class TunnelFixture implements AutoCloseable {
    final BuiltinOrigin origin;
    final FerryServer relay;
    final UdpEcho udpEcho;
    final TcpEcho tcpEcho;

    TunnelFixture(Path stateDir) throws Exception {
        origin = BuiltinOrigin.builder().address(new InetSocketAddress("127.0.0.1", 0)).build().start();
        TunnelsConfig tunnels = new TunnelsConfig(true, true, true, TunnelsConfig.DEFAULT_URI_TEMPLATE,
                Duration.ofMinutes(2), Duration.ofSeconds(10),
                new TunnelsConfig.EgressConfig(List.of("127.0.0.0/8"), List.of(), "*"),
                new TunnelsConfig.AuthConfig(false, List.of(), null), Map.of());
        ListenerConfig listener = new ListenerConfig("test", new InetSocketAddress("127.0.0.1", 0),
                TlsFilesConfig.defaults(), QuicConfig.defaults());
        FerryConfig config = new FerryConfig("ferry", stateDir, 1, List.of(listener), List.of(),
                Map.of("builtin", OriginConfig.of("builtin", origin.address())), HeadersConfig.defaults(),
                new AccessLogConfig(false, "-"), tunnels);
        relay = FerryServer.create(config, List.of(), line -> { }).start();
        udpEcho = new UdpEcho();
        tcpEcho = new TcpEcho();
    }

    InetSocketAddress relayAddress() {
        return relay.listenerAddresses().get(0);
    }

    String via() {
        return "https://127.0.0.1:" + relayAddress().getPort();
    }

    @Override
    public void close() {
        udpEcho.close();
        tcpEcho.close();
        relay.close();
        origin.close();
    }

    /** Answers every UDP datagram with the same bytes, from a plain socket thread. */
    static final class UdpEcho implements AutoCloseable {
        final DatagramSocket socket;
        final AtomicInteger received = new AtomicInteger();

        UdpEcho() throws SocketException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setReceiveBufferSize(4 << 20);
            Thread t = new Thread(this::run, "udp-echo");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void run() {
            byte[] buf = new byte[65536];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    received.incrementAndGet();
                    socket.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength(), p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** Echoes each TCP connection; on EOF it closes, so the client sees the FIN come back. */
    static final class TcpEcho implements AutoCloseable {
        final ServerSocket server;
        final AtomicInteger eofSeen = new AtomicInteger();

        TcpEcho() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "tcp-echo");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> echo(s), "tcp-echo-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void echo(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
                eofSeen.incrementAndGet();
            } catch (IOException ignored) {
                // The test judges by what reached the client.
            }
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // Closing a test server.
            }
        }
    }
}
