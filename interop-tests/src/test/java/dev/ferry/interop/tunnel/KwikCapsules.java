package dev.ferry.interop.tunnel;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Reads DATAGRAM capsules (type 0) from a kwik/flupke tunnel stream. The capsules are parsed here rather than with
 * flupke's {@code CapsuleProtocolStreamImpl.receive()}: in 0.9.4 it reads a capsule's value with one
 * {@code InputStream.read(byte[])} and ignores a short read, so a capsule split across QUIC STREAM frames throws its
 * parser off (seen here: the 444th answer and every one after it were lost).
 */
final class KwikCapsules {
    private KwikCapsules() {
    }

    /**
     * Starts a daemon thread that hands the payload of every context-0 DATAGRAM capsule of {@code tunnel} to
     * {@code payloads} until the stream ends, skipping other capsule types.
     */
    static Thread readDatagrams(KwikTunnelClient.Tunnel tunnel, Consumer<byte[]> payloads) {
        DataInputStream in = new DataInputStream(tunnel.stream().getInputStream());
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    long type = UdpTraffic.readVarint(in);
                    long length = type < 0 ? -1 : UdpTraffic.readVarint(in);
                    if (type < 0 || length < 0) {
                        return;
                    }
                    byte[] value = new byte[(int) length];
                    in.readFully(value);
                    if (type == 0) {
                        ByteBuffer buffer = ByteBuffer.wrap(value);
                        if (UdpTraffic.readVarint(buffer) == 0) {
                            byte[] payload = new byte[buffer.remaining()];
                            buffer.get(payload);
                            payloads.accept(payload);
                        }
                    }
                }
            } catch (IOException e) {
                // the stream ended or was reset
            }
        }, "capsule-reader-" + tunnel.quicStream().getStreamId());
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
