package dev.ferry.http3.tunnel;

import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One HTTP/3 connection to the relay shared by every tunnel of a {@link TcpTunnelRelay}, replaced by a fresh one
 * once it has closed: a local listener outlives any single QUIC connection (idle timeout, relay restart), and one
 * connection per local connection would pay a handshake each time.
 */
public final class SharedConnection implements Supplier<CompletableFuture<Http3Connection>> {
    private final Http3Client client;
    private final InetSocketAddress address;
    private final String serverName;
    private final int authorityPort;
    private CompletableFuture<Http3Connection> current;

    public SharedConnection(Http3Client client, InetSocketAddress address, String serverName) {
        this(client, address, serverName, address.getPort());
    }

    /** @param authorityPort the relay's own port, when {@code address} is a tunnel's local socket in front of it */
    public SharedConnection(Http3Client client, InetSocketAddress address, String serverName, int authorityPort) {
        this.client = client;
        this.address = address;
        this.serverName = serverName;
        this.authorityPort = authorityPort;
    }

    /** The live connection, or the one being made; a failed or closed one is replaced. */
    @Override
    public synchronized CompletableFuture<Http3Connection> get() {
        boolean usable = current != null && (!current.isDone()
                || !current.isCompletedExceptionally() && current.getNow(null).isActive());
        if (!usable) {
            current = client.connect(address, serverName, authorityPort);
        }
        return current;
    }
}
