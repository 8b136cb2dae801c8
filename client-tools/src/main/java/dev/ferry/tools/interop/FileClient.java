package dev.ferry.tools.interop;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

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

    /**
     * As {@link #connect}, and calls {@code whenRequestsMayGo} on the connection's event loop as soon as requests
     * may go as 0-RTT early data (a session of an earlier connection resumed, and the server takes early data), so
     * that they leave before the handshake ends; the connection is then open but not yet active. When that cannot
     * be, it is called at the end of the handshake. It is called once, before the returned future completes.
     *
     * <p>A callback rather than the future alone: the moment matters. Handed to another thread, the requests can
     * lose the race with the server's handshake flight and leave as 1-RTT.
     */
    default CompletableFuture<FileConnection> connectEarly(InetSocketAddress address, String host,
                                                           Consumer<FileConnection> whenRequestsMayGo) {
        return connect(address, host).thenApply(connection -> {
            whenRequestsMayGo.accept(connection);
            return connection;
        });
    }

    /** The application protocol (ALPN) the connections speak. */
    String applicationProtocol();

    /** Closes connections still open; the event loop group belongs to the caller. */
    @Override
    void close();
}
