package dev.ferry.ingress;

import dev.ferry.bridge.exchange.ExchangeDriver;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;

/**
 * The connection side of HTTP/0.9 over QUIC ({@code hq-interop}): every bidirectional stream the client opens is a
 * request ({@link Hq09ExchangeHandler}); the protocol has no unidirectional streams, so one the client opens is
 * stopped at once.
 */
final class Hq09ConnectionHandler extends ChannelInboundHandlerAdapter {
    private final ExchangeDriver driver;
    private final EarlyRequests earlyRequests;

    Hq09ConnectionHandler(ExchangeDriver driver, EarlyRequests earlyRequests) {
        this.driver = driver;
        this.earlyRequests = earlyRequests;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof QuicStreamChannel stream) {
            if (stream.type() == QuicStreamType.BIDIRECTIONAL && !stream.isLocalCreated()) {
                if (ConnectionDrain.of(stream.parent()).admit(stream)) {
                    stream.pipeline().addLast(new Hq09ExchangeHandler(driver, earlyRequests));
                }
            } else {
                stream.pipeline().addLast(RefusedStream.INSTANCE);
            }
        }
        // On to the pipeline's tail, which registers the stream with the connection's event loop.
        ctx.fireChannelRead(msg);
    }

    /** Stops a stream HTTP/0.9 has no use for as soon as it is registered. */
    @ChannelHandler.Sharable
    private static final class RefusedStream extends ChannelInboundHandlerAdapter {
        static final RefusedStream INSTANCE = new RefusedStream();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ((QuicStreamChannel) ctx.channel()).shutdownInput(Hq09ExchangeHandler.HQ_ERROR);
            ctx.close();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }
}
