package dev.ferry.testorigin;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** A minimal HTTP/2 client (prior knowledge, or TLS with ALPN) for talking to the origin in tests. */
final class Http2TestClient implements AutoCloseable {

    /** What came back on one stream; {@code resetCode} is non-null when the server reset the stream. */
    record Response(Http2Headers headers, byte[] body, Http2Headers trailers, Long resetCode) {
        int status() {
            return Integer.parseInt(headers.status().toString());
        }
    }

    private final Channel channel;
    private final String scheme;
    private final String authority;

    private Http2TestClient(Channel channel, String scheme, String authority) {
        this.channel = channel;
        this.scheme = scheme;
        this.authority = authority;
    }

    static Http2TestClient connect(EventLoopGroup group, InetSocketAddress address, SslContext ssl)
            throws Exception {
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), address.getHostString(),
                                    address.getPort()));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(address).sync().channel();
        if (ssl != null) {
            SslHandler handler = ch.pipeline().get(SslHandler.class);
            handler.handshakeFuture().sync();
            if (!"h2".equals(handler.applicationProtocol())) {
                ch.close();
                throw new IOException("ALPN did not select h2: " + handler.applicationProtocol());
            }
        }
        return new Http2TestClient(ch, ssl != null ? "https" : "http",
                address.getHostString() + ":" + address.getPort());
    }

    CompletableFuture<Response> request(String method, String path, byte[] body, String... headerPairs)
            throws Exception {
        CompletableFuture<Response> result = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(channel)
                .handler(new ResponseCollector(result)).open().sync().getNow();
        Http2Headers headers = new DefaultHttp2Headers().method(method).path(path).scheme(scheme)
                .authority(authority);
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.add(headerPairs[i], headerPairs[i + 1]);
        }
        boolean noBody = body == null;
        stream.write(new DefaultHttp2HeadersFrame(headers, noBody));
        if (!noBody) {
            int chunk = 16 * 1024;
            for (int off = 0; off < body.length || off == 0; off += chunk) {
                int len = Math.min(chunk, body.length - off);
                boolean end = off + len >= body.length;
                stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body, off, len), end));
                if (end) {
                    break;
                }
            }
        }
        stream.flush();
        return result;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class ResponseCollector extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Response> result;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Http2Headers headers;

        ResponseCollector(CompletableFuture<Response> result) {
            this.result = result;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame frame) {
                    if (headers == null) {
                        headers = frame.headers();
                        if (frame.isEndStream()) {
                            result.complete(new Response(headers, body.toByteArray(), null, null));
                        }
                    } else {
                        result.complete(new Response(headers, body.toByteArray(), frame.headers(), null));
                    }
                } else if (msg instanceof Http2DataFrame data) {
                    ByteBuf buf = data.content();
                    byte[] bytes = new byte[buf.readableBytes()];
                    buf.readBytes(bytes);
                    body.writeBytes(bytes);
                    if (data.isEndStream()) {
                        result.complete(new Response(headers, body.toByteArray(), null, null));
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) {
                result.complete(new Response(headers, body.toByteArray(), null, reset.errorCode()));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new IOException("stream closed before the response ended"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
        }
    }
}
