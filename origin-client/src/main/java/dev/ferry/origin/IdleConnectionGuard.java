package dev.ferry.origin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Closes an idle HTTP/1.1 origin connection that receives anything. With no request outstanding, every byte an
 * origin sends is out of place: a body it sent after a HEAD, 204 or 304 response, or a second response to one
 * request. Left in the connection, those bytes would be read as the answer to whichever request is sent on it next,
 * so such a connection is closed (and leaves the pool) instead of being reused.
 */
@ChannelHandler.Sharable
final class IdleConnectionGuard extends ChannelInboundHandlerAdapter {
    private static final String NAME = "idle-guard";
    private static final IdleConnectionGuard INSTANCE = new IdleConnectionGuard();

    private IdleConnectionGuard() {
    }

    /**
     * Puts the guard in front of the HTTP/1.1 codec (behind TLS, if any) of an idle connection. In front, because
     * the codec would keep bytes that do not make a whole line to itself, and hand them to the next exchange as
     * the start of its response.
     */
    static void install(Channel channel) {
        if (channel.pipeline().get(NAME) == null) {
            channel.pipeline().addBefore(OriginBootstraps.HTTP1_CODEC, NAME, INSTANCE);
        }
    }

    /** Takes the guard out before the connection carries an exchange again. */
    static void remove(Channel channel) {
        if (channel.pipeline().get(NAME) != null) {
            channel.pipeline().remove(NAME);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
