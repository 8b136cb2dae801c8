package dev.ferry.bridge.tunnel;

import io.netty.buffer.ByteBuf;

/** The target's side of an open tunnel: a TCP byte stream or a connected UDP socket. */
public interface TunnelEndpoint {

    /** TCP: bytes to send. UDP: one datagram's payload. Takes ownership. */
    void write(ByteBuf data);

    /** TCP: half-closes towards the target (FIN) after pending bytes. UDP: nothing. */
    void shutdownOutput();

    /** False while the socket's outbound buffer is full. */
    boolean isWritable();

    /** Starts or stops reading from the target: backpressure from the client. */
    void setReading(boolean reading);

    /** Closes the socket; no further listener calls follow. */
    void close();
}
