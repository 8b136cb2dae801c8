package dev.ferry.testorigin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import java.util.List;

/**
 * Chooses HTTP/1.1 or HTTP/2 for a new connection and installs that protocol's handlers.
 *
 * <p>On cleartext connections it looks at the first bytes: the HTTP/2 connection preface
 * ({@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}, RFC 9113 3.4) means h2c with prior knowledge, anything else is
 * HTTP/1.1. It decides at the first byte that differs from the preface, so an HTTP/1.1 request shorter than the
 * preface is not held back. Over TLS, {@link Alpn} picks by the ALPN result, falling back to HTTP/1.1.
 * h2c upgrade from HTTP/1.1 is not offered.
 */
final class OriginProtocolDetector extends ByteToMessageDecoder {

    static final int STREAM_WINDOW = 512 * 1024;

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final OriginRecorder recorder;

    OriginProtocolDetector(OriginRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
        boolean prefix = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), n);
        if (!prefix) {
            configureHttp1(ctx.pipeline(), recorder);
        } else if (n == PREFACE.readableBytes()) {
            configureHttp2(ctx.pipeline(), recorder);
        } else {
            return; // a prefix of the preface: wait for more bytes
        }
        ctx.pipeline().remove(this); // hands the bytes seen so far to the installed codec
    }

    /** Installs the HTTP/1.1 codec and {@link Http1OriginHandler} at the end of {@code pipeline}. */
    static void configureHttp1(ChannelPipeline pipeline, OriginRecorder recorder) {
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(16 * 1024)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(PatternBytes.CHUNK_SIZE);
        pipeline.addLast(new HttpServerCodec(config), new HttpServerExpectContinueHandler(),
                new Http1OriginHandler(recorder));
    }

    /**
     * Installs the HTTP/2 frame codec and a multiplexer with one {@link Http2OriginStreamHandler} per stream. The
     * stream window is raised from 64 KiB to {@value #STREAM_WINDOW} bytes so that one upload is not limited to a
     * 64 KiB window per round trip; it still bounds what one unread stream can hold.
     */
    static void configureHttp2(ChannelPipeline pipeline, OriginRecorder recorder) {
        Http2Settings settings = Http2Settings.defaultSettings().initialWindowSize(STREAM_WINDOW);
        pipeline.addLast(Http2FrameCodecBuilder.forServer().initialSettings(settings).build(),
                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        ch.pipeline().addLast(new Http2OriginStreamHandler(recorder));
                    }
                }));
    }

    /** Picks the protocol after the TLS handshake from the ALPN result; no ALPN means HTTP/1.1. */
    static final class Alpn extends ApplicationProtocolNegotiationHandler {
        private final OriginRecorder recorder;

        Alpn(OriginRecorder recorder) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.recorder = recorder;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                configureHttp2(ctx.pipeline(), recorder);
            } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
                configureHttp1(ctx.pipeline(), recorder);
            } else {
                throw new IllegalStateException("unexpected ALPN protocol: " + protocol);
            }
        }
    }
}
