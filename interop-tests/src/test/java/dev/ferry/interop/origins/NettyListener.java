package dev.ferry.interop.origins;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A TCP listener on its own one-thread Netty event loop that gives every accepted connection the handlers a
 * {@code pipeline} supplier makes, and counts the connections. It binds with SO_REUSEADDR, so that a test can take
 * over a port it held refusing connections and then released
 * ({@link dev.ferry.interop.support.RefusingPort}); closing it closes the accepted connections too.
 */
final class NettyListener implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup children = new DefaultChannelGroup("origin-connections", GlobalEventExecutor.INSTANCE);
  private final AtomicInteger accepted = new AtomicInteger();
  private final Channel server;

  private NettyListener(InetSocketAddress address, Supplier<ChannelHandler[]> pipeline) throws InterruptedException {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            accepted.incrementAndGet();
            children.add(ch);
            ch.pipeline().addLast(pipeline.get());
            ch.pipeline().addLast(new IgnoreExceptions());
          }
        });
    try {
      server = bootstrap.bind(address).sync().channel();
    } catch (InterruptedException | RuntimeException e) {
      shutDown();
      throw e;
    }
  }

  /** Listens on {@code address} (port 0 for an ephemeral one); each connection gets fresh handlers. */
  static NettyListener bind(InetSocketAddress address, Supplier<ChannelHandler[]> pipeline)
      throws InterruptedException {
    return new NettyListener(address, pipeline);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Connections accepted so far. */
  int connections() {
    return accepted.get();
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly();
    children.close().awaitUninterruptibly();
    shutDown();
  }

  /**
   * The end of every pipeline: errors that reach it, such as the stream errors Netty's HTTP/2 codec raises for
   * frames on streams an origin refused or ignored, have been dealt with by the codec (a reset or a closed
   * connection); the test sees their effect through the relay, so they are not logged as unhandled.
   */
  private static final class IgnoreExceptions extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof IOException) {
        ctx.close();
      }
    }
  }

  private void shutDown() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
