package dev.ferry.interop.origins;

import dev.ferry.testorigin.PatternBytes;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/2 stream of the h2c origins here, in a stream channel of Netty's {@link
 * io.netty.handler.codec.http2.Http2MultiplexHandler}: it reads the request head and discards any body, and when the
 * request has ended answers {@code GET /bytes/N} with 200 and N bytes of {@link PatternBytes} (404 for any other
 * path). Subclasses decide what happens at the head ({@link #onHead}, e.g. refuse the stream) and after the answer
 * ({@link #answered}, e.g. send GOAWAY).
 */
class H2cRequestHandler extends ChannelInboundHandlerAdapter {
  private String target;
  private boolean refused;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (refused) {
        return;
      }
      boolean end;
      if (msg instanceof Http2HeadersFrame headers) {
        if (target == null) {
          target = String.valueOf(headers.headers().path());
          if (!onHead(ctx, target)) {
            refused = true;
            return;
          }
        }
        end = headers.isEndStream();
      } else if (msg instanceof Http2DataFrame data) {
        end = data.isEndStream();
      } else {
        end = false;
      }
      if (end) {
        answer(ctx);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** The request target, once the head has arrived. */
  String target() {
    return target;
  }

  /** Called with the request target when the head arrives; returning false means the stream was dealt with. */
  boolean onHead(ChannelHandlerContext ctx, String target) {
    return true;
  }

  /** Called once the answer to this stream has been written. */
  void answered(ChannelHandlerContext ctx) {
  }

  private void answer(ChannelHandlerContext ctx) {
    int length = BytesPath.length(target);
    Http2Headers head = new DefaultHttp2Headers().status(length < 0 ? "404" : "200");
    int bodyLength = Math.max(length, 0);
    head.setInt("content-length", bodyLength);
    if (bodyLength == 0) {
      ctx.writeAndFlush(new DefaultHttp2HeadersFrame(head, true));
    } else {
      ctx.write(new DefaultHttp2HeadersFrame(head, false));
      ctx.writeAndFlush(new DefaultHttp2DataFrame(PatternBytes.chunk(ctx.alloc(), 0, bodyLength), true));
    }
    answered(ctx);
  }
}
