package dev.ferry.bridge.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/** What an ingress tells the driver about the client side of an exchange; called on the exchange's event loop. */
public interface ClientStreamListener {

    /** Request body bytes; the listener takes ownership. */
    void onRequestBody(ByteBuf data);

    /** The request ended, with trailers or null. */
    void onRequestEnd(HttpHeaders trailers);

    /** {@link ClientStream#isWritable()} changed. */
    void onClientWritabilityChanged();

    /** In datagram mode: one UDP payload from the client (context ID 0); the listener takes ownership. */
    default void onRequestDatagram(ByteBuf payload) {
        payload.release();
    }

    /** The client reset the stream or the connection closed; nothing more can be sent to it. */
    void onClientAbort(Throwable cause);
}
