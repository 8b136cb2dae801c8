package dev.ferry.interop.raw;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/3 client on Netty's codec that sends header sections unchecked: fields go through QPACK in the order and
 * spelling given ({@link RawRequest}), DATA frames as given, regardless of any content-length. It trusts any server
 * certificate. Use it only to test how a server treats malformed requests; everything valid is better sent with a
 * real client.
 */
public final class RawHttp3Client implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final QuicSslContext sslContext = QuicSslContextBuilder.forClient()
      .trustManager(InsecureTrustManagerFactory.INSTANCE)
      .applicationProtocols(Http3.supportedApplicationProtocols())
      .build();

  /** Opens a QUIC connection with the HTTP/3 control streams; waits at most 10 s for the handshake. */
  public RawHttp3Connection connect(InetSocketAddress address) throws InterruptedException {
    ChannelHandler codec = Http3.newQuicClientCodecBuilder()
        .sslContext(sslContext)
        .maxIdleTimeout(30, TimeUnit.SECONDS)
        .initialMaxData(16L << 20)
        .initialMaxStreamDataBidirectionalLocal(4L << 20)
        .initialMaxStreamDataBidirectionalRemote(4L << 20)
        .build();
    Channel datagram = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    try {
      QuicChannel quic = QuicChannel.newBootstrap(datagram)
          .handler(new Http3ClientConnectionHandler())
          .remoteAddress(address)
          .connect()
          .get(10, TimeUnit.SECONDS);
      quic.closeFuture().addListener(f -> datagram.close());
      return new RawHttp3Connection(quic, "127.0.0.1:" + address.getPort());
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      datagram.close();
      throw new IllegalStateException("cannot connect to " + address + ": " + e, e);
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
