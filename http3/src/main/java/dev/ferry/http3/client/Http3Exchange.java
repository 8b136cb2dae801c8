package dev.ferry.http3.client;

import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.quic.QuicStreamChannel;

import java.util.concurrent.CompletableFuture;

/**
 * Handle on one request/response exchange started by {@link Http3Connection#request}. It lets a streaming consumer
 * apply backpressure (stop reading while its own sink is busy, which stops QUIC flow-control credit from being
 * returned to the server) and cancel the exchange, and tells when it has ended.
 */
public final class Http3Exchange {
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private volatile QuicStreamChannel stream;
    private volatile boolean cancelled;

    Http3Exchange() {
    }

    void attach(QuicStreamChannel stream) {
        this.stream = stream;
        if (cancelled) {
            cancel();
        }
    }

    /** Completes normally when the response ended with a FIN, exceptionally when it failed. */
    public CompletableFuture<Void> completion() {
        return completion;
    }

    /** The QUIC stream id, or -1 while the stream is still being opened. */
    public long streamId() {
        QuicStreamChannel s = stream;
        return s == null ? -1 : s.streamId();
    }

    /** Stops ({@code false}) or resumes ({@code true}) reading the response body from the stream. */
    public void setAutoRead(boolean autoRead) {
        QuicStreamChannel s = stream;
        if (s != null) {
            s.config().setAutoRead(autoRead);
        }
    }

    /** Resets both directions of the stream with H3_REQUEST_CANCELLED; the listener sees an error. */
    public void cancel() {
        cancelled = true;
        QuicStreamChannel s = stream;
        if (s != null && s.isOpen()) {
            s.shutdown(Http3ErrorCode.H3_REQUEST_CANCELLED.code())
                    .addListener(f -> s.close());
        }
    }
}
