package dev.ferry.tools.interop;

import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.QuicChannel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Files over HTTP/3 (the runner's {@code http3} case), on the project's {@link Http3Client}: a GET per file, the
 * body streamed to disk, anything but a 200 a failure. Certificates are not verified (the runner's are
 * self-signed). The client's one TLS context keeps sessions for later connections as {@link HqClient}'s does, but
 * whether a handshake resumed one cannot be told here ({@link Http3Client} keeps its trust manager to itself).
 */
public final class Http3FileClient implements FileClient {
    private final Http3Client client;

    /** A client on {@code group} (the caller's); {@code SSLKEYLOGFILE} is honoured by {@link Http3Client}. */
    public Http3FileClient(EventLoopGroup group, FileClientSettings settings) {
        this.client = Http3Client.builder().group(group).insecure(true)
                .maxIdleTimeout(settings.idleTimeout()).connectTimeout(settings.connectTimeout())
                .initialMaxData(settings.initialMaxData()).initialMaxStreamData(settings.initialMaxStreamData())
                .maxUdpPayload(settings.maxUdpPayload()).qlogDir(settings.qlogDir()).build();
    }

    @Override
    public String applicationProtocol() {
        return "h3";
    }

    @Override
    public CompletableFuture<FileConnection> connect(InetSocketAddress address, String host) {
        return client.connect(address, host).thenApply(Connection::new);
    }

    @Override
    public void close() {
        client.close();
    }

    private record Connection(Http3Connection http3) implements FileConnection {
        @Override
        public CompletableFuture<Long> download(Download download) {
            return http3.sendTo(Http3Request.get(download.path()), download.file()).thenApply(response -> {
                if (response.status() != 200) {
                    throw new CompletionException(new IOException(download.path() + ": status "
                            + response.status()));
                }
                return response.bodyLength();
            });
        }

        @Override
        public QuicChannel quicChannel() {
            return http3.quicChannel();
        }

        @Override
        public Optional<Boolean> resumedSession() {
            return Optional.empty();
        }

        @Override
        public CompletableFuture<Void> closeAsync() {
            return http3.closeAsync();
        }
    }
}
