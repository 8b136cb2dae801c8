package dev.ferry.tools.interop;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Opens QUIC connections that fetch files, all with one TLS context: so that a later connection to the same host
 * and port can resume the TLS session of an earlier one (Netty's QUIC client keeps its session cache in the
 * context, keyed by the host and port each engine was built for).
 */
public interface FileClient extends AutoCloseable {

    /**
     * Connects to {@code address}; {@code host} is the URL's host, which keys the session cache and is sent as SNI
     * when Netty takes it for a host name (see {@link HqClient}).
     */
    CompletableFuture<FileConnection> connect(InetSocketAddress address, String host);

    /** The application protocol (ALPN) the connections speak. */
    String applicationProtocol();

    /** Closes connections still open; the event loop group belongs to the caller. */
    @Override
    void close();
}
