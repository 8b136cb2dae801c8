package dev.ferry.bridge.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** A client stream that records what the exchange wrote to it, on the test's embedded event loop. */
final class FakeClientStream implements ClientStream {
    private final EventLoop loop;
    final List<ResponseHead> informational = new ArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    ResponseHead head;
    boolean ended;
    HttpHeaders trailers;
    Boolean resetOriginSawRequest;
    boolean reading = true;
    boolean writable = true;

    FakeClientStream(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public ByteBufAllocator alloc() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public void writeInformational(ResponseHead interim) {
        if (head != null) {
            throw new AssertionError("1xx after the final head");
        }
        informational.add(interim);
    }

    @Override
    public void writeHead(ResponseHead h, boolean endOfStream) {
        if (head != null) {
            throw new AssertionError("second response head");
        }
        head = h;
        ended = endOfStream;
    }

    @Override
    public void writeBody(ByteBuf data) {
        FakeOrigin.drain(data, body);
    }

    @Override
    public void writeEnd(HttpHeaders t) {
        ended = true;
        trailers = t;
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
    public void reset(boolean originSawRequest) {
        resetOriginSawRequest = originSawRequest;
    }

    String header(String name) {
        return head == null ? null : head.headers().get(name);
    }
}
