package dev.ferry.http3.tunnel;

import dev.ferry.http3.Http3Codes;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.bridge.tunnel.Capsule;
import dev.ferry.bridge.tunnel.CapsuleDecoder;
import dev.ferry.bridge.tunnel.CapsuleEncoder;
import dev.ferry.bridge.tunnel.VarInt;
import dev.ferry.http3.Http3DatagramRouter;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.quic.QuicStreamChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A CONNECT-UDP tunnel (RFC 9298) on one request stream of an HTTP/3 connection: UDP payloads to one target through
 * the relay, and the target's answers back.
 *
 * <p>Each payload goes as an HTTP Datagram (Quarter Stream ID, Context ID 0) on a QUIC DATAGRAM frame when the relay
 * negotiated datagrams and the payload fits one; otherwise, or with {@link TunnelOptions#forceCapsules()}, as a
 * DATAGRAM capsule in a DATA frame (RFC 9297 section 3.5), which is reliable but queues behind earlier bytes.
 * Received payloads arrive either way and are handed to the receiver in arrival order. Like UDP, sending never
 * blocks: a payload that cannot be queued is dropped and counted.
 *
 * <p>{@link #send} is thread-safe; the receiver runs on the connection's event loop and must not block.
 */
public final class UdpTunnelClient implements UdpTunnel {
    private static final Logger log = LoggerFactory.getLogger(UdpTunnelClient.class);
    /**
     * Capsule bytes that may wait for the stream's send window before payloads are dropped: enough to ride out the
     * congestion window's growth at start-up, small enough that a stalled tunnel does not hold seconds of traffic.
     */
    static final int MAX_QUEUED_CAPSULE_BYTES = 512 * 1024;

    private final Handler handler;
    private final LongAdder sent = new LongAdder();
    private final LongAdder sentAsCapsules = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder receivedAsCapsules = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder tooLarge = new LongAdder();

    private UdpTunnelClient(Handler handler) {
        this.handler = handler;
    }

    /**
     * Asks the relay behind {@code connection} for a UDP tunnel to {@code host:port}. The future completes once the
     * relay answered 2xx, and fails with a {@link TunnelException} naming the status and {@code Proxy-Status} when it
     * refuses. For QUIC datagrams the connection's client must have been built with datagrams on.
     *
     * @param receiver gets each UDP payload from the target, and owns (releases) it
     */
    public static CompletableFuture<UdpTunnelClient> open(Http3Connection connection, String host, int port,
                                                          TunnelOptions options, Consumer<ByteBuf> receiver) {
        Objects.requireNonNull(receiver, "receiver");
        Http3Headers head = TunnelStream.connectHead(options);
        head.protocol("connect-udp");
        head.scheme("https");
        head.authority(connection.authority());
        head.path(options.template().expand(host, port));
        head.add("capsule-protocol", "?1");
        String target = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]:" + port : host + ":" + port;
        Handler handler = new Handler(head, target, connection.datagrams(), options.forceCapsules(), receiver);
        UdpTunnelClient client = new UdpTunnelClient(handler);
        handler.client = client;
        handler.open(connection);
        return handler.opened.thenApply(ignored -> client);
    }

    /**
     * Sends one UDP payload to the target; takes ownership of {@code payload}. Never blocks: when the stream cannot
     * take a capsule or the tunnel is closed, the payload is dropped and counted, as UDP would lose it.
     */
    @Override
    public void send(ByteBuf payload) {
        handler.onLoop(() -> handler.send(payload));
    }

    /** True when payloads that fit currently travel in QUIC DATAGRAM frames. */
    public boolean usesQuicDatagrams() {
        return !handler.forceCapsules && handler.datagrams != null && handler.datagrams.negotiated();
    }

    /** The largest payload that still fits a QUIC DATAGRAM frame, 0 when datagrams are not in use. */
    @Override
    public int maxDatagramPayload() {
        if (!usesQuicDatagrams()) {
            return 0;
        }
        return Math.max(0, handler.datagrams.maxDatagramLength() - VarInt.size(handler.stream.streamId() >>> 2)
                - VarInt.size(0));
    }

    /** The request stream's ID, which (divided by four) tags this tunnel's QUIC datagrams. */
    public long streamId() {
        return handler.stream.streamId();
    }

    /** A snapshot of this tunnel's counters. */
    @Override
    public Stats stats() {
        return new Stats(sent.sum(), sentAsCapsules.sum(), received.sum(), receivedAsCapsules.sum(), dropped.sum(),
                tooLarge.sum());
    }

    /** Completes when the stream has closed: exceptionally if it was reset or failed. */
    @Override
    public CompletableFuture<Void> closed() {
        return handler.closed;
    }

    /** Ends the tunnel: sends the FIN after anything queued; the relay then closes its side and the socket. */
    @Override
    public void close() {
        handler.onLoop(handler::finish);
    }

    /**
     * Counters of one tunnel.
     *
     * @param sent               payloads sent, both ways of carrying them
     * @param sentAsCapsules     of those, sent as DATAGRAM capsules
     * @param received           payloads delivered to the receiver
     * @param receivedAsCapsules of those, received as DATAGRAM capsules
     * @param dropped            payloads not sent (tunnel closed, stream full, too large) or received ones not
     *                           delivered (unknown context ID)
     * @param tooLarge           of the dropped, payloads too large for one of the relay's QUIC DATAGRAM frames
     */
    public record Stats(long sent, long sentAsCapsules, long received, long receivedAsCapsules, long dropped,
                        long tooLarge) {
    }

    /** The stream's handler and the tunnel's state; touched only on the event loop. */
    private static final class Handler extends TunnelStream implements Http3DatagramRouter.Flow {
        private final Http3DatagramRouter datagrams;
        private final boolean forceCapsules;
        private final Consumer<ByteBuf> receiver;
        private UdpTunnelClient client;
        private CapsuleDecoder capsules;
        /** Bytes of capsules written but not yet taken by the QUIC stack. */
        private long queuedCapsuleBytes;
        private boolean finished;

        Handler(Http3Headers head, String target, Http3DatagramRouter datagrams, boolean forceCapsules,
                Consumer<ByteBuf> receiver) {
            super(head, "CONNECT-UDP", target);
            this.datagrams = datagrams;
            this.forceCapsules = forceCapsules;
            this.receiver = receiver;
        }

        @Override
        void onStreamCreated(QuicStreamChannel stream) {
            capsules = new CapsuleDecoder(stream.alloc(), CapsuleDecoder.DEFAULT_MAX_DATAGRAM_CAPSULE_LENGTH);
            if (datagrams != null) {
                datagrams.register(stream.streamId(), this);
            }
        }

        void send(ByteBuf payload) {
            if (finished || !opened.isDone() || opened.isCompletedExceptionally() || !stream.isActive()) {
                payload.release();
                client.dropped.increment();
                return;
            }
            if (!forceCapsules && datagrams != null) {
                switch (datagrams.send(stream.streamId(), 0, payload)) {
                    case SENT -> {
                        client.sent.increment();
                        return;
                    }
                    case TOO_LARGE -> {
                        // Dropped as a link of that MTU would drop it, so the local program's MTU probes fail.
                        client.dropped.increment();
                        client.tooLarge.increment();
                        return;
                    }
                    case NOT_NEGOTIATED -> {
                        // A capsule, below.
                    }
                }
            }
            int size = CapsuleEncoder.datagramSize(0, payload.readableBytes());
            if (queuedCapsuleBytes + size > MAX_QUEUED_CAPSULE_BYTES) {
                // The stream cannot drain as fast as payloads come: queueing more would only add delay, so drop
                // as a full UDP socket buffer would.
                payload.release();
                client.dropped.increment();
                return;
            }
            queuedCapsuleBytes += size;
            stream.writeAndFlush(new DefaultHttp3DataFrame(CapsuleEncoder.datagram(stream.alloc(), 0,
                    payload))).addListener(f -> queuedCapsuleBytes -= size).addListener(this::failOnWriteError);
            client.sent.increment();
            client.sentAsCapsules.increment();
        }

        @Override
        public void onQuicDatagram(long contextId, ByteBuf payload) {
            deliver(contextId, payload, false);
        }

        @Override
        void onData(ByteBuf data) {
            try {
                capsules.feed(data, this::onCapsule);
            } catch (CapsuleDecoder.CapsuleException e) {
                fail(new TunnelException("CONNECT-UDP: malformed capsule from the relay: " + e.getMessage(), e));
                stream.shutdown(Http3Codes.H3_DATAGRAM_ERROR);
            }
        }

        private void onCapsule(Capsule capsule) {
            ByteBuf payload = capsule.payload();
            try {
                // RFC 9297 3.2: capsules of unknown types are skipped (the decoder only hands on DATAGRAM ones).
                if (capsule.type() == Capsule.DATAGRAM) {
                    long contextId = VarInt.read(payload);
                    deliver(contextId, payload.retain(), true);
                }
            } finally {
                payload.release();
            }
        }

        private void deliver(long contextId, ByteBuf payload, boolean capsule) {
            if (contextId != 0) {
                // RFC 9298 4: only context 0 (UDP payloads) is in use; other contexts are dropped.
                payload.release();
                client.dropped.increment();
                return;
            }
            client.received.increment();
            if (capsule) {
                client.receivedAsCapsules.increment();
            }
            try {
                receiver.accept(payload);
            } catch (RuntimeException e) {
                log.warn("UDP tunnel receiver failed", e);
            }
        }

        @Override
        void onInputEnd() {
            // The relay ended the tunnel (idle timeout, or its answer to our FIN); end ours too.
            finish();
        }

        void finish() {
            if (finished || stream == null) {
                finished = true;
                return;
            }
            finished = true;
            if (stream.isActive()) {
                finishOutput();
            }
        }

        @Override
        void onClosed(Throwable cause) {
            finished = true;
            if (datagrams != null) {
                datagrams.unregister(stream.streamId());
            }
            if (capsules != null) {
                capsules.release();
            }
        }
    }
}
