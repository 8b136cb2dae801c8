package dev.ferry.interop.hostile;

import dev.ferry.interop.raw.RawHttp3Connection;
import dev.ferry.interop.raw.RawOutcome;
import dev.ferry.interop.raw.RawRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInitializer;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request stream that a test writes a step at a time, watching the answer as it arrives: what a client does
 * that stalls in the middle of its header section, or that holds its body back until the server sends 100
 * (Continue). {@link RawHttp3Connection#send} writes a whole request in one flush, which can do neither.
 *
 * <p>The stream is a plain bidirectional QUIC stream ({@code QuicChannel.createStream}) with Netty's HTTP/3 frame
 * codec on it, so that the answer is read as frames and decoded by QPACK. A test may write through the codec
 * ({@link #writeHeaders}, {@link #writeData}) or below it ({@link #writeBytes}): those bytes go onto the stream
 * exactly as given, half a frame if so asked, with no codec to complete, check or reorder them. The two ways do not
 * mix on one stream: the codec does not know what was written below it.
 *
 * <p>Every response head is timed when it arrives, so that a test can tell how long after a write its answer came,
 * independently of when the test gets round to looking.
 */
final class SteppedRequestStream implements AutoCloseable {
  private static final String BELOW_THE_CODEC = "below-the-codec";

  private final QuicStreamChannel stream;
  private final Answer answer;

  private SteppedRequestStream(QuicStreamChannel stream, Answer answer) {
    this.stream = stream;
    this.answer = answer;
  }

  /** Opens a bidirectional stream on the connection; nothing is written yet. */
  static SteppedRequestStream open(RawHttp3Connection connection) throws Exception {
    Answer answer = new Answer();
    QuicStreamChannel stream = connection.quicChannel().createStream(QuicStreamType.BIDIRECTIONAL,
        new Http3RequestStreamInitializer() {
          @Override
          protected void initRequestStream(QuicStreamChannel ch) {
            // First in the pipeline, so that a write from its context reaches the stream without the codec.
            ch.pipeline().addFirst(BELOW_THE_CODEC, new ChannelOutboundHandlerAdapter());
            ch.pipeline().addLast(answer);
          }
        }).get(5, TimeUnit.SECONDS);
    return new SteppedRequestStream(stream, answer);
  }

  /** Writes these bytes onto the stream as they are, below the HTTP/3 codec; completes when they were written. */
  ChannelFuture writeBytes(byte[] bytes) {
    return stream.pipeline().context(BELOW_THE_CODEC).writeAndFlush(Unpooled.wrappedBuffer(bytes));
  }

  /** Writes one HEADERS frame through the codec (QPACK-encoded by Netty) for these field lines, in order. */
  ChannelFuture writeHeaders(List<RawRequest.Field> fields) {
    Http3Headers headers = new DefaultHttp3Headers();
    fields.forEach(f -> headers.add(f.name(), f.value()));
    return stream.writeAndFlush(new DefaultHttp3HeadersFrame(headers));
  }

  /** Writes one DATA frame through the codec and, if {@code fin}, ends the stream after it. */
  ChannelFuture writeData(byte[] payload, boolean fin) {
    ChannelFuture written = stream.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(payload)));
    if (fin) {
      written.addListener(f -> {
        if (f.isSuccess()) {
          stream.shutdownOutput();
        }
      });
    }
    return written;
  }

  /** Ends the sending side of the stream (FIN). */
  ChannelFuture finish() {
    return stream.shutdownOutput();
  }

  /**
   * Waits at most {@code waitMillis} for the first interim (1xx) response head; returns its status, or -1 when none
   * came, or when a final head or the end of the stream came first.
   */
  int awaitInterim(long waitMillis) throws InterruptedException {
    try {
      return answer.firstInterim.get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return -1;
    }
  }

  /** {@link System#nanoTime()} when the first interim head arrived, or 0 when none did. */
  long interimArrivedAt() {
    return answer.interimAt;
  }

  /** {@link System#nanoTime()} when the final response head arrived, or 0 when none did. */
  long finalHeadArrivedAt() {
    return answer.finalAt;
  }

  /**
   * Waits at most {@code waitMillis} for the stream's answer: a response up to its FIN, the server's reset, or the
   * stream's end without either. Null when none of that happened in time.
   */
  RawOutcome awaitOutcome(long waitMillis) throws InterruptedException {
    try {
      return answer.outcome.get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return null;
    }
  }

  @Override
  public void close() {
    stream.close();
  }

  /** Collects the answer as it arrives, timing each response head. */
  private static final class Answer extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Integer> firstInterim = new CompletableFuture<>();
    private final CompletableFuture<RawOutcome> outcome = new CompletableFuture<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final List<RawRequest.Field> headers = new ArrayList<>();
    private final List<Integer> interim = new ArrayList<>();
    private volatile long interimAt;
    private volatile long finalAt;
    private int status = -1;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http3HeadersFrame frame) {
          head(frame.headers());
        } else if (msg instanceof Http3DataFrame frame) {
          frame.content().readBytes(body, frame.content().readableBytes());
        }
      } catch (Exception e) {
        finish(false, -1, "reading the response failed: " + e);
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void head(Http3Headers fields) {
      long now = System.nanoTime();
      CharSequence s = fields.status();
      if (status >= 0 || s == null || s.length() != 3) {
        return;
      }
      if (s.charAt(0) == '1') {
        int code = Integer.parseInt(s.toString());
        interim.add(code);
        if (interimAt == 0) {
          interimAt = now;
        }
        firstInterim.complete(code);
        return;
      }
      finalAt = now;
      status = Integer.parseInt(s.toString());
      for (Map.Entry<CharSequence, CharSequence> field : fields) {
        headers.add(new RawRequest.Field(field.getKey().toString(), field.getValue().toString()));
      }
      firstInterim.complete(-1);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt == ChannelInputShutdownEvent.INSTANCE) {
        finish(status >= 0, -1, status >= 0 ? null : "FIN before a response head");
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof QuicStreamResetException reset) {
        finish(false, reset.applicationProtocolCode(), null);
      } else {
        finish(false, -1, "stream error: " + cause);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      finish(false, -1, "stream closed without a FIN or a reset"
          + (ctx.channel().parent().isActive() ? "" : " (connection closed)"));
      ctx.fireChannelInactive();
    }

    private void finish(boolean complete, long resetCode, String detail) {
      firstInterim.complete(-1);
      outcome.complete(new RawOutcome(status, body.toByteArray(), complete, resetCode, detail, headers, interim));
    }
  }
}
