package dev.ferry.origin.files;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.OriginExchange;
import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One request to a {@link FileOriginConnector}: answers from the file system, sending a file's bytes in chunks
 * while the client takes them. Runs on the exchange's event loop only.
 */
final class FileOriginExchange implements OriginExchange {
    /** Bytes read per chunk: one large DATA frame's worth. */
    static final int CHUNK = 64 * 1024;
    /** Chunks sent per loop turn before yielding, so that one download cannot hold the loop. */
    static final int CHUNKS_PER_TURN = 8;
    private static final String PROTOCOL = "1.1";

    private final String name;
    private final EventLoop loop;
    private final OriginListener listener;
    private FileChannel file;
    private long position;
    private long size;
    private boolean reading = true;
    private boolean scheduled;
    private boolean done;

    FileOriginExchange(String name, EventLoop loop, OriginListener listener) {
        this.name = name;
        this.loop = loop;
        this.listener = listener;
    }

    /** Answers {@code request}; {@code path} is the file it names, or null when it names none. */
    void start(RequestHead request, Path path) {
        if (done) {
            return;
        }
        listener.onRequestSent();
        String method = request.method();
        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
            HttpHeaders allow = new DefaultHttpHeaders().add("allow", "GET, HEAD");
            answerText(405, allow, "405 method not allowed\n");
            return;
        }
        if (path == null) {
            answerText(404, new DefaultHttpHeaders(), "404 not found\n");
            return;
        }
        try {
            file = FileChannel.open(path, StandardOpenOption.READ);
            size = file.size();
        } catch (IOException | SecurityException e) {
            closeFile();
            answerText(404, new DefaultHttpHeaders(), "404 not found\n");
            return;
        }
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("content-type", "application/octet-stream")
                .add("content-length", Long.toString(size));
        listener.onResponseHead(200, headers, PROTOCOL);
        if (head || size == 0) {
            finish();
            return;
        }
        sendChunks();
    }

    private void answerText(int status, HttpHeaders headers, String text) {
        byte[] body = text.getBytes(StandardCharsets.US_ASCII);
        headers.add("content-type", "text/plain; charset=utf-8").add("content-length", Integer.toString(body.length));
        listener.onResponseHead(status, headers, PROTOCOL);
        listener.onResponseBody(ByteBufAllocator.DEFAULT.buffer(body.length).writeBytes(body));
        finish();
    }

    /** Sends up to {@link #CHUNKS_PER_TURN} chunks, then comes back on a later turn while the client reads. */
    private void sendChunks() {
        scheduled = false;
        for (int i = 0; i < CHUNKS_PER_TURN && reading && !done; i++) {
            int length = (int) Math.min(CHUNK, size - position);
            ByteBuf chunk = ByteBufAllocator.DEFAULT.directBuffer(length);
            try {
                int read = 0;
                while (read < length) {
                    int n = chunk.writeBytes(file, position + read, length - read);
                    if (n < 0) {
                        throw new IOException("file ended at " + (position + read) + " of " + size + " bytes");
                    }
                    read += n;
                }
            } catch (IOException e) {
                chunk.release();
                fail(e);
                return;
            }
            position += length;
            listener.onResponseBody(chunk);
            if (position >= size) {
                finish();
                return;
            }
        }
        scheduleMore();
    }

    private void scheduleMore() {
        if (reading && !done && !scheduled) {
            scheduled = true;
            loop.execute(this::sendChunks);
        }
    }

    private void finish() {
        if (done) {
            return;
        }
        done = true;
        closeFile();
        listener.onResponseEnd(null);
    }

    private void fail(IOException e) {
        done = true;
        closeFile();
        listener.onOriginFailure(new ProxyException(ProxyErrorType.HTTP_RESPONSE_INCOMPLETE,
                ProxyException.Side.ORIGIN, false, name + ": reading the file failed: " + e.getMessage(), e));
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // Read-only: nothing is lost when closing fails.
            }
            file = null;
        }
    }

    @Override
    public void writeBody(ByteBuf data) {
        // A request body means nothing to a file: dropped.
        data.release();
    }

    @Override
    public void writeEnd(HttpHeaders trailers) {
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public void setReading(boolean reading) {
        this.reading = reading;
        if (reading && file != null) {
            scheduleMore();
        }
    }

    @Override
    public void abort() {
        done = true;
        closeFile();
    }
}
