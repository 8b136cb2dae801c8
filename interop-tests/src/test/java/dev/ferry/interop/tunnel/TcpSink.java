package dev.ferry.interop.tunnel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;

/** A TCP listener on a loopback address that accepts, counts and closes every connection: did anything arrive? */
final class TcpSink implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicLong accepted = new AtomicLong();

    private TcpSink(ServerSocket server) {
        this.server = server;
        Thread thread = new Thread(this::run, "tcp-sink-" + server.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    static TcpSink start(String address) {
        try {
            return new TcpSink(new ServerSocket(0, 50, InetAddress.getByName(address)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                accepted.incrementAndGet();
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                // keep accepting
            }
        }
    }

    int port() {
        return server.getLocalPort();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    long accepted() {
        return accepted.get();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
    }
}
