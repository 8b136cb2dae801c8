package dev.ferry.http3.client;

import dev.ferry.http3.StreamWriteCoalescer;
import dev.ferry.http3.Http3DatagramRouter;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One established HTTP/3 connection (a QUIC connection on its own UDP socket). Requests on it run concurrently, one
 * QUIC stream each, up to the server's stream limit. Each connection owns its socket so that a benchmark opening many
 * connections spreads them over source ports the way independent clients would.
 */
public final class Http3Connection implements AutoCloseable {
    /** Default cap for {@link #send}: beyond this a response should be streamed with {@link #sendTo}. */
    public static final long DEFAULT_MAX_BUFFERED = 64L * 1024 * 1024;

    private final QuicChannel quic;
    private final Channel datagram;
    private final String authority;
    private final InetSocketAddress remote;
    private final Http3DatagramRouter datagrams;

    Http3Connection(QuicChannel quic, Channel datagram, String serverName, int authorityPort,
                    InetSocketAddress remote, Http3DatagramRouter datagrams) {
        this.quic = quic;
        this.datagrams = datagrams;
        this.datagram = datagram;
        this.remote = remote;
        String host = serverName.indexOf(':') >= 0 ? "[" + serverName + "]" : serverName;
        this.authority = authorityPort == 443 ? host : host + ":" + authorityPort;
        quic.closeFuture().addListener(f -> datagram.close());
    }

    /** The {@code :authority} used for requests that do not set one. */
    public String authority() {
        return authority;
    }

    /** The address the connection was made to. */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** The underlying QUIC channel, for statistics and connection-level events. */
    public QuicChannel quicChannel() {
        return quic;
    }

    /**
     * The connection's HTTP Datagram layer, or null unless the client was built with
     * {@link Http3Client.Builder#datagrams(boolean)}.
     */
    public Http3DatagramRouter datagrams() {
        return datagrams;
    }

    public boolean isActive() {
        return quic.isActive();
    }

    /**
     * Starts an exchange and reports the response to {@code listener} as it arrives. This is the primitive every
     * other method here is built on; the returned handle completes when the listener has seen the end.
     */
    public Http3Exchange request(Http3Request request, ResponseListener listener) {
        Http3Exchange exchange = new Http3Exchange();
        Http3Headers head = new DefaultHttp3Headers();
        head.method(request.method());
        head.scheme("https");
        head.authority(request.authority() != null ? request.authority() : authority);
        head.path(request.path());
        for (Map.Entry<String, String> h : request.headers()) {
            head.add(h.getKey(), h.getValue());
        }
        long length = request.body().length();
        if (length > 0 && !head.contains("content-length")) {
            head.setLong("content-length", length);
        }
        RequestStreamHandler handler = new RequestStreamHandler(head, request.body(), listener, exchange);
        Http3.newRequestStream(quic, handler).addListener(f -> {
            if (f.isSuccess()) {
                QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
                // Head, body and FIN in as few packets as they fit.
                stream.pipeline().addFirst(new StreamWriteCoalescer());
                handler.start(stream);
            } else {
                IOException e = new IOException("cannot open a request stream on " + authority + ": " + f.cause(),
                        f.cause());
                listener.onError(e);
                exchange.completion().completeExceptionally(e);
            }
        });
        return exchange;
    }

    /** Sends the request and buffers the response body in memory, up to {@link #DEFAULT_MAX_BUFFERED} bytes. */
    public CompletableFuture<Http3Response> send(Http3Request request) {
        return send(request, DEFAULT_MAX_BUFFERED);
    }

    /** Sends the request and buffers the response body in memory, failing if it exceeds {@code maxBodyBytes}. */
    public CompletableFuture<Http3Response> send(Http3Request request, long maxBodyBytes) {
        CollectingListener collector = CollectingListener.buffering(maxBodyBytes);
        request(request, collector);
        return collector.result();
    }

    /**
     * Sends the request and writes the response body to {@code file} (created or truncated) as DATA frames arrive,
     * so that the body never has to fit in memory.
     */
    public CompletableFuture<Http3Response> sendTo(Http3Request request, Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        CollectingListener collector = CollectingListener.toFile(channel, file);
        request(request, collector);
        return collector.result();
    }

    /**
     * Sends the request and copies the response body to {@code out} as it arrives. Writes run on the event loop, so
     * {@code out} should be a local sink (a file, stdout), not something that can block for long.
     */
    public CompletableFuture<Http3Response> sendTo(Http3Request request, OutputStream out) {
        return sendTo(request, out, head -> { });
    }

    /**
     * Like {@link #sendTo(Http3Request, OutputStream)}, and calls {@code onHead} with the final head before the
     * first body byte is written, so that a caller can print the head ahead of the body as {@code curl -i} does.
     */
    public CompletableFuture<Http3Response> sendTo(Http3Request request, OutputStream out,
                                                   Consumer<Http3Headers> onHead) {
        CollectingListener collector = CollectingListener.toStream(out).observeHead(onHead);
        request(request, collector);
        return collector.result();
    }

    /** Closes the connection with H3_NO_ERROR and releases its socket; completes when both are closed. */
    public CompletableFuture<Void> closeAsync() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        datagram.closeFuture().addListener(f -> done.complete(null));
        if (quic.isOpen()) {
            quic.close(true, Http3ErrorCode.H3_NO_ERROR.code(), Unpooled.EMPTY_BUFFER);
        } else {
            datagram.close();
        }
        return done;
    }

    @Override
    public void close() {
        closeAsync().join();
    }

    @Override
    public String toString() {
        return "Http3Connection[" + authority + " via " + Http3ConnectException.format(remote) + "]";
    }
}
