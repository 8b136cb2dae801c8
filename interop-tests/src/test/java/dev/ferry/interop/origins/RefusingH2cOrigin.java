package dev.ferry.interop.origins;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An h2c origin (prior knowledge) that serves {@code GET /bytes/N} but resets every {@code n}-th stream it receives
 * with REFUSED_STREAM as soon as its head arrives, before processing it, as a loaded server may (RFC 9113 section
 * 8.7: the request was not processed and may be retried). A request target it refused once is never refused again,
 * so that a client which retries once, as RFC 9113 allows, gets every request through; request targets are expected
 * to be unique ({@link BytesPath#of}).
 */
final class RefusingH2cOrigin implements AutoCloseable {
  private final int n;
  private final AtomicInteger streams = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final NettyListener listener;

  private RefusingH2cOrigin(int n) throws InterruptedException {
    this.n = n;
    listener = NettyListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        () -> new ChannelHandler[] {
            Http2FrameCodecBuilder.forServer().build(),
            new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(new Stream());
              }
            })});
  }

  /** Listens on 127.0.0.1 with an ephemeral port and refuses every {@code n}-th stream. */
  static RefusingH2cOrigin start(int n) throws InterruptedException {
    return new RefusingH2cOrigin(n);
  }

  InetSocketAddress address() {
    return listener.address();
  }

  /** Streams refused so far. */
  int refused() {
    return refused.size();
  }

  /** Streams answered so far. */
  int answered() {
    return answered.get();
  }

  @Override
  public void close() {
    listener.close();
  }

  private final class Stream extends H2cRequestHandler {
    @Override
    boolean onHead(ChannelHandlerContext ctx, String target) {
      if (streams.incrementAndGet() % n == 0 && refused.add(target)) {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
        return false;
      }
      return true;
    }

    @Override
    void answered(ChannelHandlerContext ctx) {
      answered.incrementAndGet();
    }
  }
}
