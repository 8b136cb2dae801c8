package dev.ferry.interop.origins;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP/1.1 keep-alive origin that holds every request open, unanswered, until the test calls {@link #release()};
 * from then on it answers held and later requests at once ({@link Http1Bytes}). It keeps a relay's connections busy
 * for exactly as long as a test wants, and counts the requests that reached it.
 */
final class HoldingHttp1Origin implements AutoCloseable {
  private final NettyListener listener;
  private final List<Held> held = new ArrayList<>();
  private boolean released;
  private int received;

  private record Held(ChannelHandlerContext ctx, String target) {
  }

  private HoldingHttp1Origin() throws InterruptedException {
    listener = NettyListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        () -> new ChannelHandler[] {new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Hold()});
  }

  static HoldingHttp1Origin start() throws InterruptedException {
    return new HoldingHttp1Origin();
  }

  InetSocketAddress address() {
    return listener.address();
  }

  /** Requests that reached the origin so far, held or answered. */
  synchronized int received() {
    return received;
  }

  /** Connections the relay opened so far. */
  int connections() {
    return listener.connections();
  }

  /** Waits until {@code n} requests have reached the origin; false when {@code wait} ran out first. */
  synchronized boolean awaitReceived(int n, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (received < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** Answers the held requests, and every later one at once. */
  void release() {
    List<Held> answer;
    synchronized (this) {
      released = true;
      answer = List.copyOf(held);
      held.clear();
    }
    for (Held h : answer) {
      h.ctx().executor().execute(() -> h.ctx().writeAndFlush(Http1Bytes.answer(h.ctx().alloc(), h.target())));
    }
  }

  @Override
  public void close() {
    listener.close();
  }

  private final class Hold extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      boolean answerNow;
      synchronized (HoldingHttp1Origin.this) {
        received++;
        HoldingHttp1Origin.this.notifyAll();
        answerNow = released;
        if (!answerNow) {
          held.add(new Held(ctx, request.uri()));
        }
      }
      if (answerNow) {
        ctx.writeAndFlush(Http1Bytes.answer(ctx.alloc(), request.uri()));
      }
    }
  }
}
