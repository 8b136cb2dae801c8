package dev.ferry.interop.origins;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 keep-alive origin that answers {@code GET /bytes/N} at once ({@link Http1Bytes}) and counts the
 * requests it answered, so that a test can tell which of an origin's endpoints a relay sent requests to. It can
 * listen on a given port, to bring back an endpoint that was down.
 */
final class CountingHttp1Origin implements AutoCloseable {
  private final AtomicInteger requests = new AtomicInteger();
  private final NettyListener listener;

  private CountingHttp1Origin(InetSocketAddress address) throws InterruptedException {
    listener = NettyListener.bind(address, () -> new ChannelHandler[] {
        new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Answer()});
  }

  /** Listens on 127.0.0.1 with an ephemeral port. */
  static CountingHttp1Origin start() throws InterruptedException {
    return new CountingHttp1Origin(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /** Listens on exactly {@code address}. */
  static CountingHttp1Origin startOn(InetSocketAddress address) throws InterruptedException {
    return new CountingHttp1Origin(address);
  }

  InetSocketAddress address() {
    return listener.address();
  }

  /** Requests answered so far. */
  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    listener.close();
  }

  private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      requests.incrementAndGet();
      FullHttpResponse response = Http1Bytes.answer(ctx.alloc(), request.uri());
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      if (keepAlive) {
        ctx.writeAndFlush(response);
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
