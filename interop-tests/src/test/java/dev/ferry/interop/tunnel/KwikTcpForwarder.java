package dev.ferry.interop.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;

/**
 * A local TCP listener in front of kwik/flupke: each accepted connection becomes one CONNECT stream to the target
 * (RFC 9114 4.4), bytes copied both ways, each direction's end passed on as FIN.
 */
final class KwikTcpForwarder implements AutoCloseable {
    private final KwikTunnelClient client;
    private final String target;
    private final Map<String, String> headers;
    private final ServerSocket server;

    KwikTcpForwarder(KwikTunnelClient client, String target, Map<String, String> headers) throws IOException {
        this.client = client;
        this.target = target;
        this.headers = headers;
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::accept, "kwik-tcp-forwarder-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                KwikTunnelClient.Tunnel tunnel = client.connectTcp(target, headers);
                if (tunnel.status() / 100 != 2) {
                    System.err.println("KwikTcpForwarder: CONNECT " + target + " answered " + tunnel.status());
                    socket.close();
                    continue;
                }
                copy(socket.getInputStream(), tunnel.stream().getOutputStream(), tunnel::finish, "up");
                copy(tunnel.stream().getInputStream(), socket.getOutputStream(), socket::shutdownOutput, "down");
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.err.println("KwikTcpForwarder: " + e);
                }
            }
        }
    }

    private interface End {
        void run() throws IOException;
    }

    private static void copy(InputStream in, OutputStream out, End end, String direction) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16_384];
            try {
                int n;
                while ((n = in.read(buffer, 0, buffer.length)) > 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
                end.run();
            } catch (IOException e) {
                // the other side closed or reset
            }
        }, "kwik-tcp-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
