package dev.ferry.interop.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Numbered UDP payloads of mixed sizes, sent with a bounded number in flight, with every echo checked byte for byte.
 * Payload {@code i} starts with {@code i} (4 bytes, big-endian) and continues with bytes from a generator seeded by
 * {@code i}, so an echo identifies itself and any corruption shows. Also the QUIC variable-length integers of
 * RFC 9000 16 that HTTP Datagrams and capsules are made of.
 */
final class UdpTraffic {
    /** Sends one payload. */
    interface Sender {
        void send(byte[] payload) throws IOException, InterruptedException;
    }

    /** What came back. */
    record Result(int sent, int intact, int corrupt, int duplicates, long nanos, String missingSizes) {
        double perSecond() {
            return intact / (nanos / 1e9);
        }
    }

    private final int[] sizes;
    private final BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();

    /** {@code count} payloads whose sizes spread over [minSize, maxSize], both ends included. */
    UdpTraffic(int count, int minSize, int maxSize) {
        if (minSize < 4 || maxSize < minSize || count < 2) {
            throw new IllegalArgumentException("sizes " + minSize + ".." + maxSize + " for " + count);
        }
        sizes = new int[count];
        sizes[0] = minSize;
        sizes[1] = maxSize;
        int span = maxSize - minSize + 1;
        for (int i = 2; i < count; i++) {
            sizes[i] = minSize + (int) ((i * 7919L) % span);
        }
    }

    int count() {
        return sizes.length;
    }

    int minSize() {
        return Arrays.stream(sizes).min().orElseThrow();
    }

    int maxSize() {
        return Arrays.stream(sizes).max().orElseThrow();
    }

    byte[] payload(int i) {
        byte[] p = new byte[sizes[i]];
        new Random(i * 31L + 7).nextBytes(p);
        ByteBuffer.wrap(p).putInt(i);
        return p;
    }

    /** Hands in one received payload (from any thread). */
    void received(byte[] payload) {
        replies.add(payload);
    }

    /**
     * Sends every payload with at most {@code window} unanswered; a reply missing for {@code lossWaitMillis} is taken
     * as lost (the window reopens). Returns when all came back or nothing came for {@code lossWaitMillis}.
     */
    Result run(Sender sender, int window, long lossWaitMillis) throws IOException, InterruptedException {
        BitSet seen = new BitSet(sizes.length);
        int sent = 0;
        int inFlight = 0;
        int intact = 0;
        int corrupt = 0;
        int duplicates = 0;
        long start = System.nanoTime();
        while (true) {
            while (sent < sizes.length && inFlight < window) {
                sender.send(payload(sent++));
                inFlight++;
            }
            if (intact + corrupt + duplicates >= sent && sent == sizes.length) {
                break;
            }
            byte[] reply = replies.poll(lossWaitMillis, TimeUnit.MILLISECONDS);
            if (reply == null) {
                if (sent == sizes.length) {
                    break;
                }
                inFlight = 0;
                continue;
            }
            inFlight = Math.max(0, inFlight - 1);
            int id = reply.length >= 4 ? ByteBuffer.wrap(reply).getInt() : -1;
            if (id < 0 || id >= sizes.length || !Arrays.equals(reply, payload(id))) {
                corrupt++;
            } else if (seen.get(id)) {
                System.out.println("UdpTraffic: payload " + id + " (" + sizes[id] + " B) came back twice");
                duplicates++;
            } else {
                seen.set(id);
                intact++;
            }
        }
        long nanos = System.nanoTime() - start;
        StringBuilder missing = new StringBuilder();
        for (int i = seen.nextClearBit(0); i < sent && missing.length() < 400; i = seen.nextClearBit(i + 1)) {
            missing.append(missing.length() == 0 ? "" : ",").append(sizes[i]);
        }
        return new Result(sent, intact, corrupt, duplicates, nanos, missing.toString());
    }

    /**
     * Runs the payloads from a fresh loopback socket to {@code to} (an echo server, or a local port that forwards to
     * one), reading the answers on the same socket.
     */
    Result runThrough(InetSocketAddress to, int window, long lossWaitMillis) throws IOException, InterruptedException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[65_535];
                while (!socket.isClosed()) {
                    DatagramPacket packet = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(packet);
                        received(Arrays.copyOf(packet.getData(), packet.getLength()));
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "udp-traffic-reader");
            reader.setDaemon(true);
            reader.start();
            return run(p -> socket.send(new DatagramPacket(p, p.length, to)), window, lossWaitMillis);
        }
    }

    // ---- QUIC variable-length integers (RFC 9000 16) ------------------------------------------------------

    static void writeVarint(ByteArrayOutputStream out, long v) {
        if (v < 0x40) {
            out.write((int) v);
        } else if (v < 0x4000) {
            out.write((int) (0x40 | (v >> 8)));
            out.write((int) v);
        } else if (v < 0x4000_0000) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) ((shift == 24 ? 0x80 : 0) | (v >> shift) & 0xff));
            }
        } else {
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((shift == 56 ? 0xc0 : 0) | (v >> shift) & 0xff));
            }
        }
    }

    /** Reads a varint at the buffer's position, or -1 if the buffer ends first. */
    static long readVarint(ByteBuffer in) {
        if (!in.hasRemaining()) {
            return -1;
        }
        int first = in.get() & 0xff;
        int length = 1 << (first >> 6);
        if (in.remaining() < length - 1) {
            return -1;
        }
        long v = first & 0x3f;
        for (int i = 1; i < length; i++) {
            v = (v << 8) | (in.get() & 0xff);
        }
        return v;
    }

    /**
     * Reads a varint from a stream, or returns -1 at a clean end of stream before its first byte; an end inside it
     * is an error. Bytes are read with {@code read(byte[], int, int)} only: flupke's DATA frame reader returns end of
     * stream from the one-byte {@code read()} at a frame boundary.
     */
    static long readVarint(InputStream in) throws IOException {
        byte[] one = new byte[1];
        if (in.readNBytes(one, 0, 1) < 1) {
            return -1;
        }
        int first = one[0] & 0xff;
        long v = first & 0x3f;
        for (int i = 1; i < 1 << (first >> 6); i++) {
            if (in.readNBytes(one, 0, 1) < 1) {
                throw new EOFException("end of stream inside a varint");
            }
            v = (v << 8) | (one[0] & 0xff);
        }
        return v;
    }

    /** An HTTP Datagram (RFC 9297 2.1): quarter stream id, context id, payload. */
    static byte[] httpDatagram(long quarterStreamId, long contextId, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 10);
        writeVarint(out, quarterStreamId);
        writeVarint(out, contextId);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** The value of a DATAGRAM capsule (RFC 9298 5): context id, payload. */
    static byte[] contextPayload(long contextId, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 8);
        writeVarint(out, contextId);
        out.writeBytes(payload);
        return out.toByteArray();
    }
}
