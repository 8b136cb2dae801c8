package dev.ferry.origin;

import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.OriginExchange;
import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kept-alive HTTP/1.1 connection that the origin closes just as the next request is written on it (the classic
 * keep-alive race) must not fail an idempotent, bodyless request: it is sent again on a new connection. A real
 * origin on a loopback socket plays the race: it answers the first request, reads the second and hangs up.
 */
class StaleConnectionRetryTest {
    private EventLoopGroup group;
    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();

    @BeforeEach
    void startOrigin() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread origin = new Thread(this::serve, "racy-origin");
        origin.setDaemon(true);
        origin.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** First connection: answer one request, then read the next one and close without answering. */
    private void serve() {
        try {
            while (!server.isClosed()) {
                Socket socket = server.accept();
                int n = connections.incrementAndGet();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII));
                OutputStream out = socket.getOutputStream();
                readHead(in);
                answer(out, "first-" + n);
                // Read the next request, then hang up without a byte of answer.
                readHead(in);
                socket.close();
            }
        } catch (Exception ignored) {
            // The test closed the server socket.
        }
    }

    private static void readHead(BufferedReader in) throws Exception {
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            // Consume the request head; these requests have no body.
        }
    }

    private static void answer(OutputStream out, String body) throws Exception {
        out.write(("HTTP/1.1 200 OK\r\ncontent-length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void resendsIdempotentRequestOnNewConnectionWhenReusedConnectionClosesBeforeAnyResponseByte() throws Exception {
        HttpOriginConnector connector = HttpOriginConnector.create(OriginSettings.cleartext("racy", OriginProtocol.H1,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort())));
        EventLoop loop = group.next();

        assertEquals("200 first-1", get(connector, loop).get(5, TimeUnit.SECONDS));
        // The second GET reuses the kept-alive connection; the origin reads it and hangs up.
        assertEquals("200 first-2", get(connector, loop).get(5, TimeUnit.SECONDS));
        assertEquals(2, connections.get(), "a second connection carried the retry");
    }

    @Test
    void doesNotResendPostWhenReusedConnectionCloses() throws Exception {
        HttpOriginConnector connector = HttpOriginConnector.create(OriginSettings.cleartext("racy", OriginProtocol.H1,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort())));
        EventLoop loop = group.next();
        assertEquals("200 first-1", get(connector, loop).get(5, TimeUnit.SECONDS));

        String outcome = send(connector, loop, "POST").get(5, TimeUnit.SECONDS);
        assertTrue(outcome.startsWith("failed connection_terminated"), outcome);
        assertEquals(1, connections.get(), "a POST is never sent twice");
    }

    private static CompletableFuture<String> get(HttpOriginConnector connector, EventLoop loop) {
        return send(connector, loop, "GET");
    }

    private static CompletableFuture<String> send(HttpOriginConnector connector, EventLoop loop, String method) {
        RequestHead request = RequestHead.builder().method(method).scheme("http").authority("origin.test")
                .path("/").build();
        CompletableFuture<String> outcome = new CompletableFuture<>();
        loop.execute(() -> {
            Collector collector = new Collector(outcome);
            OriginExchange exchange = connector.open(loop, request, collector);
            exchange.writeEnd(null);
        });
        return outcome;
    }

    /** Collects status and body of one exchange. */
    private static final class Collector implements OriginListener {
        @Override
        public void onInformational(int status, HttpHeaders headers, String protocolVersion) {
        }

        private final CompletableFuture<String> outcome;
        private final StringBuilder body = new StringBuilder();
        private int status;

        Collector(CompletableFuture<String> outcome) {
            this.outcome = outcome;
        }

        @Override
        public void onRequestSent() {
        }

        @Override
        public void onResponseHead(int status, HttpHeaders headers, String protocolVersion) {
            this.status = status;
        }

        @Override
        public void onResponseBody(ByteBuf data) {
            body.append(data.toString(StandardCharsets.US_ASCII));
            data.release();
        }

        @Override
        public void onResponseEnd(HttpHeaders trailers) {
            outcome.complete(status + " " + body);
        }

        @Override
        public void onOriginWritabilityChanged() {
        }

        @Override
        public void onOriginFailure(ProxyException failure) {
            outcome.complete("failed " + failure.type().token() + ": " + failure.getMessage());
        }
    }
}
