package dev.ferry.interop.runner;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP delay line for the simulator namespace, standing in for {@code netem delay} where the kernel has none: the
 * simulator's nftables rules send the client's packets for the server here (DNAT), and each is passed on to the
 * server {@code delay} later from a socket of this process, one per client address and port; the server's answers
 * come back to that socket and leave for the client {@code delay} later from the socket they were sent to, which
 * connection tracking turns back into the server's address. Both directions keep their order.
 *
 * <p>The server therefore sees the simulator's address, not the client's, which is all the long-RTT case needs
 * (it checks handshakes and retransmitted ClientHellos, not addresses). Bandwidth shaping stays with the
 * simulator's {@code tbf} qdiscs, which every packet still crosses.
 *
 * <p>Arguments: {@code LISTEN_ADDRESS LISTEN_PORT UPSTREAM_ADDRESS SERVER_ADDRESS SERVER_PORT DELAY_MS}. Prints
 * {@code delay line ready} once listening, and its counts on exit.
 */
public final class DelayLine {
    private static final int MAX_DATAGRAM = 65_535;

    private final DatagramChannel listen;
    private final InetSocketAddress upstreamAddress;
    private final InetSocketAddress server;
    private final long delayNanos;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    private final Map<SocketAddress, DatagramChannel> upstreams = new ConcurrentHashMap<>();
    private final AtomicLong towardsServer = new AtomicLong();
    private final AtomicLong towardsClient = new AtomicLong();

    private DelayLine(DatagramChannel listen, InetSocketAddress upstreamAddress, InetSocketAddress server,
                      long delayMillis) {
        this.listen = listen;
        this.upstreamAddress = upstreamAddress;
        this.server = server;
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
    }

    public static void main(String[] args) throws IOException {
        DatagramChannel listen = DatagramChannel.open()
                .bind(new InetSocketAddress(args[0], Integer.parseInt(args[1])));
        DelayLine line = new DelayLine(listen, new InetSocketAddress(args[2], 0),
                new InetSocketAddress(args[3], Integer.parseInt(args[4])), Long.parseLong(args[5]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("delay line: "
                + line.towardsServer.get() + " packets delayed towards the server, " + line.towardsClient.get()
                + " towards the client")));
        System.out.println("delay line ready");
        System.out.flush();
        line.fromClients();
    }

    /** Reads the client side; each packet leaves for the server after the delay, from its client's own socket. */
    private void fromClients() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        while (true) {
            buffer.clear();
            SocketAddress client = listen.receive(buffer);
            buffer.flip();
            ByteBuffer packet = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
            DatagramChannel upstream = upstreams.computeIfAbsent(client, this::openUpstream);
            towardsServer.incrementAndGet();
            later(() -> upstream.send(packet, server));
        }
    }

    private DatagramChannel openUpstream(SocketAddress client) {
        try {
            DatagramChannel upstream = DatagramChannel.open().bind(upstreamAddress);
            Thread reader = new Thread(() -> fromServer(upstream, client), "delay-line-" + client);
            reader.setDaemon(true);
            reader.start();
            return upstream;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads the server's answers to one client; each leaves for that client after the delay. */
    private void fromServer(DatagramChannel upstream, SocketAddress client) {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        try {
            while (true) {
                buffer.clear();
                upstream.receive(buffer);
                buffer.flip();
                ByteBuffer packet = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
                towardsClient.incrementAndGet();
                later(() -> listen.send(packet, client));
            }
        } catch (ClosedChannelException e) {
            // shutting down
        } catch (IOException e) {
            System.err.println("delay line: " + client + ": " + e);
        }
    }

    private interface Send {
        void run() throws IOException;
    }

    private void later(Send send) {
        clock.schedule(() -> {
            try {
                send.run();
            } catch (IOException e) {
                System.err.println("delay line: " + e);
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }
}
