package dev.ferry.interop.origins;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An h2c origin (prior knowledge) that serves {@code GET /bytes/N} and retires every connection after a fixed number
 * of streams, as servers with a per-connection request limit do (nginx's {@code keepalive_requests}): once it has
 * answered that many on a connection it sends GOAWAY and closes the connection when the streams it still processes
 * are done (RFC 9113 section 6.8), lingering as nginx does ({@link LingeringClose}). Streams above the GOAWAY's last
 * stream id are never processed; a client must send them again on another connection.
 */
final class GoingAwayH2cOrigin implements AutoCloseable {
  /**
   * How the origin goes away: first a GOAWAY with last stream id 2^31-1 (stop opening streams), and
   * {@link #GRACE_MILLIS} later one naming the last stream it processes, so that streams already on their way are
   * still served (RFC 9113 6.8).
   */
  enum Style {
    TWO_STEP
  }

  static final long GRACE_MILLIS = 50;

  private final int streamsPerConnection;
  private final Style style;
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger goAways = new AtomicInteger();
  private final Set<String> answeredTargets = ConcurrentHashMap.newKeySet();
  private final NettyListener listener;

  private GoingAwayH2cOrigin(int streamsPerConnection, Style style) throws InterruptedException {
    this.streamsPerConnection = streamsPerConnection;
    this.style = style;
    listener = NettyListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> {
      Http2FrameCodec codec = Http2FrameCodecBuilder.forServer().build();
      AtomicInteger onThisConnection = new AtomicInteger();
      return new ChannelHandler[] {
          codec,
          new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
              ch.pipeline().addLast(new Stream(codec, onThisConnection));
            }
          })};
    });
  }

  /** Listens on 127.0.0.1 with an ephemeral port. */
  static GoingAwayH2cOrigin start(int streamsPerConnection, Style style) throws InterruptedException {
    return new GoingAwayH2cOrigin(streamsPerConnection, style);
  }

  InetSocketAddress address() {
    return listener.address();
  }

  /** Connections accepted so far. */
  int connections() {
    return listener.connections();
  }

  /** Streams answered so far, over all connections. */
  int answered() {
    return answered.get();
  }

  /** Whether it answered a request for this target, so a client that did not get the answer lost it after. */
  boolean hasAnswered(String target) {
    return answeredTargets.contains(target);
  }

  /** Connections it retired with GOAWAY so far. */
  int goAways() {
    return goAways.get();
  }

  @Override
  public void close() {
    listener.close();
  }

  private void goAway(Http2FrameCodec codec, Channel connection) {
    goAways.incrementAndGet();
    connection.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR).setExtraStreamIds(Integer.MAX_VALUE));
    connection.eventLoop().schedule(() -> finalGoAway(codec, connection), GRACE_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** GOAWAY with the last stream id it received, then a lingering close once the streams up to it are done. */
  private static void finalGoAway(Http2FrameCodec codec, Channel connection) {
    if (!connection.isActive()) {
      return;
    }
    connection.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
    LingeringClose.whenStreamsDone(codec.connection(), connection);
  }

  private final class Stream extends H2cRequestHandler {
    private final Http2FrameCodec codec;
    private final AtomicInteger onThisConnection;

    Stream(Http2FrameCodec codec, AtomicInteger onThisConnection) {
      this.codec = codec;
      this.onThisConnection = onThisConnection;
    }

    @Override
    void answered(ChannelHandlerContext ctx) {
      answered.incrementAndGet();
      answeredTargets.add(target());
      if (onThisConnection.incrementAndGet() == streamsPerConnection) {
        goAway(codec, ctx.channel().parent());
      }
    }
  }
}
