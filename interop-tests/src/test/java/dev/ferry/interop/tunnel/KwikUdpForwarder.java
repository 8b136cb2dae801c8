package dev.ferry.interop.tunnel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import tech.kwik.flupke.core.GenericCapsule;
import tech.kwik.flupke.impl.CapsuleProtocolStreamImpl;

/**
 * A local UDP socket in front of a kwik/flupke CONNECT-UDP tunnel, so that any UDP program (a QUIC client) can use
 * it: what arrives on the socket goes to the target as HTTP Datagrams in QUIC DATAGRAM frames (or as DATAGRAM
 * capsules), and what comes back, either way, goes to whoever sent last. A payload too large for one QUIC DATAGRAM
 * frame is dropped and counted, as RFC 9298 section 5 asks, never carried as a capsule.
 */
final class KwikUdpForwarder implements AutoCloseable {
    /**
     * The largest QUIC DATAGRAM frame data kwik 0.10.8 delivers: it reports 1,224 B, but frames above 1,211 B never
     * reach a peer (KwikConnectUdpIT).
     */
    static final int KWIK_DATAGRAM_LIMIT = 1_211;

    private final KwikTunnelClient client;
    private final KwikTunnelClient.Tunnel tunnel;
    private final boolean capsules;
    private final DatagramSocket socket;
    private final AtomicLong tooLarge = new AtomicLong();
    private volatile SocketAddress peer;

    KwikUdpForwarder(KwikTunnelClient client, KwikTunnelClient.Tunnel tunnel, boolean capsules) throws IOException {
        this.client = client;
        this.tunnel = tunnel;
        this.capsules = capsules;
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        long quarter = tunnel.quarterStreamId();
        client.quic().setDatagramHandler(datagram -> {
            ByteBuffer in = ByteBuffer.wrap(datagram);
            if (UdpTraffic.readVarint(in) == quarter && UdpTraffic.readVarint(in) == 0) {
                toPeer(Arrays.copyOfRange(datagram, in.position(), datagram.length));
            }
        });
        KwikCapsules.readDatagrams(tunnel, this::toPeer);
        Thread reader = new Thread(this::fromPeer, "kwik-udp-forwarder-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Payloads dropped because they did not fit one QUIC DATAGRAM frame. */
    long tooLarge() {
        return tooLarge.get();
    }

    private void fromPeer() {
        CapsuleProtocolStreamImpl capsuleStream = new CapsuleProtocolStreamImpl(tunnel.stream());
        OutputStream flush = tunnel.stream().getOutputStream();
        byte[] buffer = new byte[65_535];
        long quarter = tunnel.quarterStreamId();
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                peer = packet.getSocketAddress();
                byte[] payload = Arrays.copyOf(packet.getData(), packet.getLength());
                if (capsules) {
                    capsuleStream.send(new GenericCapsule(0, UdpTraffic.contextPayload(0, payload)));
                    flush.flush();
                } else {
                    byte[] datagram = UdpTraffic.httpDatagram(quarter, 0, payload);
                    if (datagram.length > KWIK_DATAGRAM_LIMIT) {
                        tooLarge.incrementAndGet();
                    } else {
                        client.quic().sendDatagram(datagram);
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) {
                    return;
                }
                System.err.println("KwikUdpForwarder: " + e);
            }
        }
    }

    private void toPeer(byte[] payload) {
        SocketAddress to = peer;
        if (to == null) {
            return;
        }
        try {
            socket.send(new DatagramPacket(payload, payload.length, to));
        } catch (IOException e) {
            // the socket is closing
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            tunnel.finish();
        } catch (IOException e) {
            // the tunnel is gone already
        }
    }
}
