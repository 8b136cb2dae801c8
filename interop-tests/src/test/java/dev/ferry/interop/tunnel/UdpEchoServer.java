package dev.ferry.interop.tunnel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP socket on a loopback address that counts every datagram it receives and, in echo mode, sends each one back
 * to its sender unchanged. In sink mode it only counts: the proof that nothing reached it.
 */
final class UdpEchoServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final boolean echo;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong echoed = new AtomicLong();
    private final Thread thread;

    private UdpEchoServer(DatagramSocket socket, boolean echo) {
        this.socket = socket;
        this.echo = echo;
        this.thread = new Thread(this::run, "udp-" + (echo ? "echo" : "sink") + "-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** Echoes on {@code address} (an ephemeral port). */
    static UdpEchoServer echo(String address) {
        return start(address, true);
    }

    /** Counts without answering on {@code address} (an ephemeral port). */
    static UdpEchoServer sink(String address) {
        return start(address, false);
    }

    private static UdpEchoServer start(String address, boolean echo) {
        try {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
            socket.setReceiveBufferSize(4 << 20);
            socket.setSendBufferSize(4 << 20);
            return new UdpEchoServer(socket, echo);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run() {
        byte[] buffer = new byte[65_535];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                received.incrementAndGet();
                if (echo) {
                    socket.send(new DatagramPacket(packet.getData(), packet.getOffset(), packet.getLength(),
                            packet.getSocketAddress()));
                    echoed.incrementAndGet();
                }
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                // A send failure is one lost echo; keep serving.
            }
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    long received() {
        return received.get();
    }

    /**
     * Waits up to two seconds for the total received to reach {@code atLeast} (datagrams another party already sent
     * may still be in the kernel), then returns the total received, whether it got there or not.
     */
    long awaitReceived(long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (received.get() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return received.get();
    }

    long echoed() {
        return echoed.get();
    }

    @Override
    public void close() {
        socket.close();
    }
}
