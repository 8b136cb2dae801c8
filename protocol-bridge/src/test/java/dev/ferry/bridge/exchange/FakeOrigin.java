package dev.ferry.bridge.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;

import java.io.ByteArrayOutputStream;

/**
 * An origin connector for one exchange: it records the origin request and its body, and lets the test play the
 * origin's part through {@link #listener}.
 */
final class FakeOrigin implements OriginConnector, OriginExchange {
    RequestHead request;
    OriginListener listener;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean ended;
    boolean aborted;
    boolean writable = true;
    Boolean reading;
    int opened;

    @Override
    public OriginExchange open(EventLoop eventLoop, RequestHead originRequest, OriginListener l) {
        opened++;
        request = originRequest;
        listener = l;
        return this;
    }

    @Override
    public void writeBody(ByteBuf data) {
        drain(data, body);
    }

    @Override
    public void writeEnd(HttpHeaders trailers) {
        ended = true;
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public void setReading(boolean r) {
        reading = r;
    }

    @Override
    public void abort() {
        aborted = true;
    }

    /** Moves {@code data}'s bytes to {@code out} and releases it, as a real stream would once it wrote them. */
    static void drain(ByteBuf data, ByteArrayOutputStream out) {
        byte[] bytes = new byte[data.readableBytes()];
        data.readBytes(bytes);
        data.release();
        out.writeBytes(bytes);
    }
}
