package dev.ferry.interop.raw;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Collects one response on a raw request stream into a {@link RawOutcome}: the interim (1xx) heads, the final head
 * and body up to the FIN, or the server's RESET_STREAM code, or the fact that the stream closed without either.
 *
 * <p>Unless told to check responses, it takes Netty's response validation (content-length against the DATA that
 * arrives) out of the stream's pipeline when it is added, so that what the server sent reaches the outcome as it
 * was and the test, not the codec, judges it.
 */
final class RawStreamHandler extends ChannelInboundHandlerAdapter {
  /** Netty's per-stream validation handler; package-private in Netty, so it is found by its simple name. */
  private static final String RESPONSE_VALIDATION = "Http3RequestStreamValidationHandler";

  private final CompletableFuture<RawOutcome> outcome = new CompletableFuture<>();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private final List<RawRequest.Field> headers = new ArrayList<>();
  private final List<Integer> interim = new ArrayList<>();
  private final boolean checkResponses;
  private int status = -1;
  private long stopSendingCode = -1;

  RawStreamHandler() {
    this(true);
  }

  RawStreamHandler(boolean checkResponses) {
    this.checkResponses = checkResponses;
  }

  CompletableFuture<RawOutcome> outcome() {
    return outcome;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (checkResponses) {
      return;
    }
    for (Map.Entry<String, ChannelHandler> entry : ctx.pipeline().toMap().entrySet()) {
      if (entry.getValue().getClass().getSimpleName().equals(RESPONSE_VALIDATION)) {
        ctx.pipeline().remove(entry.getValue());
      }
    }
  }

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

  /** A response head: interim ones are counted, the first final one gives the status and the fields. */
  private void head(Http3Headers fields) {
    CharSequence s = fields.status();
    if (status >= 0 || s == null || s.length() != 3) {
      return;
    }
    if (s.charAt(0) == '1') {
      interim.add(Integer.parseInt(s.toString()));
      return;
    }
    status = Integer.parseInt(s.toString());
    for (Map.Entry<CharSequence, CharSequence> field : fields) {
      headers.add(new RawRequest.Field(field.getKey().toString(), field.getValue().toString()));
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ChannelInputShutdownEvent.INSTANCE) {
      finish(status >= 0, -1, status >= 0 ? null : "FIN before a response head");
      ctx.close();
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
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    finish(false, stopSendingCode,
        (stopSendingCode >= 0 ? "STOP_SENDING only; " : "") + "stream closed without a FIN or a reset"
        + (ctx.channel().parent().isActive() ? "" : " (connection closed)"));
    ctx.fireChannelInactive();
  }

  /**
   * A write failed, typically on the server's STOP_SENDING. The outcome still comes from the read side (the response
   * or the RESET_STREAM); the code is kept in case the stream closes with neither.
   */
  void writeFailed(Throwable cause) {
    if (cause instanceof QuicStreamResetException reset) {
      stopSendingCode = reset.applicationProtocolCode();
    }
  }

  private void finish(boolean complete, long resetCode, String detail) {
    outcome.complete(new RawOutcome(status, body.toByteArray(), complete, resetCode, detail, headers, interim));
  }
}
