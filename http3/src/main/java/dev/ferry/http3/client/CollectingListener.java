package dev.ferry.http3.client;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.Http3Headers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Turns listener calls into one {@link Http3Response}, with the body either buffered in memory (bounded) or written
 * straight to a file or stream. Writes happen synchronously on the event loop: for a local file or stdout this is the
 * simplest correct backpressure, since the stream is not read further until the chunk is on its way to disk, and
 * QUIC flow control then holds the server back.
 */
final class CollectingListener implements ResponseListener {
    private final CompletableFuture<Http3Response> result = new CompletableFuture<>();
    private final long start = System.nanoTime();
    private final long maxBuffered;
    private final ByteArrayOutputStream memory;
    private final FileChannel file;
    private final Path filePath;
    private final OutputStream out;
    private Consumer<Http3Headers> headObserver = h -> { };
    private Http3Headers head;
    private Http3Headers trailers = new DefaultHttp3Headers();
    private long headAt;
    private long length;

    private CollectingListener(long maxBuffered, FileChannel file, Path filePath, OutputStream out) {
        this.maxBuffered = maxBuffered;
        this.memory = file == null && out == null ? new ByteArrayOutputStream() : null;
        this.file = file;
        this.filePath = filePath;
        this.out = out;
    }

    static CollectingListener buffering(long maxBuffered) {
        return new CollectingListener(maxBuffered, null, null, null);
    }

    static CollectingListener toFile(FileChannel file, Path path) {
        return new CollectingListener(0, file, path, null);
    }

    static CollectingListener toStream(OutputStream out) {
        return new CollectingListener(0, null, null, out);
    }

    /** Lets the caller see the head before any body byte is delivered, e.g. to print it first. */
    CollectingListener observeHead(Consumer<Http3Headers> observer) {
        this.headObserver = observer;
        return this;
    }

    CompletableFuture<Http3Response> result() {
        return result;
    }

    @Override
    public void onHead(Http3Headers head) {
        this.head = head;
        this.headAt = System.nanoTime();
        headObserver.accept(head);
    }

    @Override
    public void onData(ByteBuf data) throws IOException {
        int n = data.readableBytes();
        if (memory != null) {
            if (length + n > maxBuffered) {
                throw new IOException("response body exceeds " + maxBuffered + " bytes; use sendTo() to stream it");
            }
            data.readBytes(memory, n);
        } else if (file != null) {
            while (data.isReadable()) {
                data.readBytes(file, data.readableBytes());
            }
        } else {
            data.readBytes(out, n);
        }
        length += n;
    }

    @Override
    public void onTrailers(Http3Headers trailers) {
        this.trailers = trailers;
    }

    @Override
    public void onComplete() {
        long end = System.nanoTime();
        try {
            if (file != null) {
                file.close();
            } else if (out != null) {
                out.flush();
            }
        } catch (IOException e) {
            result.completeExceptionally(e);
            return;
        }
        int status = Integer.parseInt(head.status().toString());
        result.complete(new Http3Response(status, head, trailers, memory == null ? null : memory.toByteArray(),
                filePath, length, Duration.ofNanos(headAt - start), Duration.ofNanos(end - start)));
    }

    @Override
    public void onError(Throwable cause) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
        result.completeExceptionally(cause);
    }
}
