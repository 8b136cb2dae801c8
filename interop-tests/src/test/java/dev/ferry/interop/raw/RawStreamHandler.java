package dev.ferry.interop.raw;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Collects one response on a raw request stream into a {@link RawOutcome}: the final head and body up to the FIN,
 * or the server's RESET_STREAM code, or the fact that the stream closed without either.
 */
final class RawStreamHandler extends ChannelInboundHandlerAdapter {
  private final CompletableFuture<RawOutcome> outcome = new CompletableFuture<>();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private int status = -1;
  private long stopSendingCode = -1;

  CompletableFuture<RawOutcome> outcome() {
    return outcome;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof Http3HeadersFrame frame) {
        CharSequence s = frame.headers().status();
        if (status < 0 && s != null && s.length() == 3 && s.charAt(0) != '1') {
          status = Integer.parseInt(s.toString());
        }
      } else if (msg instanceof Http3DataFrame frame) {
        frame.content().readBytes(body, frame.content().readableBytes());
      }
    } catch (Exception e) {
      finish(new RawOutcome(status, body.toByteArray(), false, -1, "reading the response failed: " + e));
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ChannelInputShutdownEvent.INSTANCE) {
      finish(new RawOutcome(status, body.toByteArray(), status >= 0, -1,
          status >= 0 ? null : "FIN before a response head"));
      ctx.close();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof QuicStreamResetException reset) {
      finish(new RawOutcome(status, body.toByteArray(), false, reset.applicationProtocolCode(), null));
    } else {
      finish(new RawOutcome(status, body.toByteArray(), false, -1, "stream error: " + cause));
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    finish(new RawOutcome(status, body.toByteArray(), false, stopSendingCode,
        (stopSendingCode >= 0 ? "STOP_SENDING only; " : "") + "stream closed without a FIN or a reset"
        + (ctx.channel().parent().isActive() ? "" : " (connection closed)")));
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

  private void finish(RawOutcome result) {
    outcome.complete(result);
  }
}
