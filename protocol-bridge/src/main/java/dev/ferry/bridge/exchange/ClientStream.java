package dev.ferry.bridge.exchange;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The client's side of one exchange, implemented by an ingress (an HTTP/3 request stream, for instance). The driver
 * calls it only on {@link #eventLoop()}.
 */
public interface ClientStream {

    EventLoop eventLoop();

    ByteBufAllocator alloc();

    /**
     * Sends an interim (1xx) response head before the final one, as RFC 9110 15.2 requires a proxy to forward
     * them: 100 (Continue) releases a client waiting to send its body, 103 (Early Hints) lets it preload.
     */
    void writeInformational(ResponseHead head);

    /** Sends the response head; with {@code endOfStream} the response has no body. */
    void writeHead(ResponseHead head, boolean endOfStream);

    /** Sends response body bytes; takes ownership of {@code data}. */
    void writeBody(ByteBuf data);

    /** Ends the response, with trailers when not null. */
    void writeEnd(HttpHeaders trailers);

    /** False while the client cannot take more bytes; the driver then stops reading the origin. */
    boolean isWritable();

    /** Starts or stops reading the request body, which is how backpressure reaches the client. */
    void setReading(boolean reading);

    /**
     * Aborts the stream after the response head has left, or instead of any response.
     *
     * @param originSawRequest false when the origin never received the request, so the client may retry it
     */
    void reset(boolean originSawRequest);

    /**
     * Switches a CONNECT-UDP stream to datagram mode once its 2xx head has left (RFC 9297, RFC 9298): DATA frames
     * now carry capsules, and HTTP Datagrams arrive on QUIC DATAGRAM frames too. UDP payloads of context ID 0 then
     * reach {@link ClientStreamListener#onRequestDatagram}; everything else is dropped and counted.
     *
     * @return false when this ingress cannot carry datagrams
     */
    default boolean startDatagrams(dev.ferry.bridge.tunnel.TunnelCounters counters) {
        return false;
    }

    /**
     * Sends one UDP payload to the client: on a QUIC DATAGRAM frame when both sides negotiated them, the client
     * has not switched to capsules and it fits; otherwise as a DATAGRAM capsule on the stream. Takes ownership.
     */
    default void writeDatagram(ByteBuf payload) {
        payload.release();
    }

    /** The client's verified certificate chain (mutual TLS), or null when it presented none. */
    default java.security.cert.X509Certificate[] peerCertificates() {
        return null;
    }
}
