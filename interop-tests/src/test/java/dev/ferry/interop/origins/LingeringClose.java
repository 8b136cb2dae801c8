package dev.ferry.interop.origins;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import java.util.concurrent.TimeUnit;

/**
 * Ends an HTTP/2 connection the way a careful server does once its last stream is done: it sends FIN after
 * everything written, then keeps reading (and discarding) until the peer closes too, or a second has passed. Closing
 * at once would make the kernel answer bytes still arriving from the peer (a request the server is ignoring after
 * GOAWAY) with a RST, and a RST makes the peer's kernel drop responses it received but its application had not read
 * yet: the test would then see losses the relay did not cause.
 */
final class LingeringClose {
  private static final long LINGER_MILLIS = 1_000;

  private LingeringClose() {
  }

  /** Lingering close of {@code channel} as soon as {@code connection} has no active stream (at once if none). */
  static void whenStreamsDone(Http2Connection connection, Channel channel) {
    if (connection.numActiveStreams() == 0) {
      close(channel);
      return;
    }
    connection.addListener(new Http2ConnectionAdapter() {
      private boolean closing;

      @Override
      public void onStreamClosed(Http2Stream stream) {
        if (!closing && connection.numActiveStreams() == 0) {
          closing = true;
          close(channel);
        }
      }
    });
  }

  private static void close(Channel channel) {
    channel.pipeline().firstContext().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
      // From here on the connection only reads and discards: the HTTP/2 codec would answer what still arrives
      // (a stream above the GOAWAY, a WINDOW_UPDATE) with writes, which fail after the FIN and make it close the
      // socket at once, with a RST.
      while (channel.pipeline().last() != null) {
        channel.pipeline().removeLast();
      }
      channel.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
          io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
          ctx.close();
        }
      });
      channel.config().setAutoRead(true);
      if (channel instanceof DuplexChannel duplex && channel.isActive()) {
        duplex.shutdownOutput();
      }
      channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    });
  }
}
