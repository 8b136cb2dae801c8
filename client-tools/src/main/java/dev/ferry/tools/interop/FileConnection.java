package dev.ferry.tools.interop;

import io.netty.handler.codec.quic.QuicChannel;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One established QUIC connection of a {@link FileClient}. */
public interface FileConnection {

    /**
     * Opens a request stream now and writes the body to the download's file as it arrives; completes with the
     * number of body bytes once the server's FIN came, or fails (a reset stream, an error status, a lost
     * connection). It does not wait for stream credit: callers keep to the server's limit ({@link
     * ParallelDownloads} does).
     */
    CompletableFuture<Long> download(Download download);

    /** The QUIC channel, for its event loop, stream limit and pipeline. */
    QuicChannel quicChannel();

    /** Whether the handshake resumed a TLS session, when the client can tell; empty when it cannot. */
    Optional<Boolean> resumedSession();

    /** Closes the connection with no error and completes when its socket is closed. */
    CompletableFuture<Void> closeAsync();
}
