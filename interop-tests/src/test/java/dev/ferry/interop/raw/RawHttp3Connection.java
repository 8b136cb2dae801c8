package dev.ferry.interop.raw;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.util.concurrent.CompletableFuture;

/** One QUIC connection of a {@link RawHttp3Client}; each {@link #send} uses a new request stream on it. */
public final class RawHttp3Connection implements AutoCloseable {
  private final QuicChannel quic;
  private final String authority;

  RawHttp3Connection(QuicChannel quic, String authority) {
    this.quic = quic;
    this.authority = authority;
  }

  /** {@code 127.0.0.1:PORT}, the authority to put in requests to this server. */
  public String authority() {
    return authority;
  }

  /**
   * The QUIC connection itself, for a test that opens streams of its own on it: one that writes bytes below the
   * HTTP/3 frame codec, say, or drives a request step by step.
   */
  public QuicChannel quicChannel() {
    return quic;
  }

  public boolean isActive() {
    return quic.isActive();
  }

  /**
   * Opens a request stream and writes the request's HEADERS frame, its DATA frames and (if asked) the FIN in one
   * flush. The future completes when the response ends, the server resets the stream or the stream closes; it never
   * fails for those reasons, so that a test can assert on the outcome.
   */
  public CompletableFuture<RawOutcome> send(RawRequest request) {
    return send(request, new RawStreamHandler());
  }

  /**
   * Like {@link #send}, but the response is taken as it arrives, without Netty's client-side check of its
   * content-length against the DATA received (which would turn, say, a 304 that keeps its representation's
   * content-length into a local stream error). Use it where the test itself judges what the server sent.
   */
  public CompletableFuture<RawOutcome> sendUnchecked(RawRequest request) {
    return send(request, new RawStreamHandler(false));
  }

  private CompletableFuture<RawOutcome> send(RawRequest request, RawStreamHandler handler) {
    Http3.newRequestStream(quic, handler).addListener(f -> {
      if (!f.isSuccess()) {
        handler.outcome().completeExceptionally(f.cause());
        return;
      }
      QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
      ChannelFuture last = stream.write(new DefaultHttp3HeadersFrame(OrderedHeaders.of(request.fields())));
      for (byte[] payload : request.data()) {
        last = stream.write(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(payload)));
      }
      stream.flush();
      last.addListener(w -> {
        if (!w.isSuccess()) {
          handler.writeFailed(w.cause());
        } else if (request.fin()) {
          stream.shutdownOutput();
        }
      });
    });
    return handler.outcome();
  }

  @Override
  public void close() {
    if (quic.isOpen()) {
      quic.close(true, Http3ErrorCode.H3_NO_ERROR.code(), Unpooled.EMPTY_BUFFER).awaitUninterruptibly(2000);
    }
  }
}
