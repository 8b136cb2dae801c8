package dev.ferry.interop.origins;

import dev.ferry.testorigin.PatternBytes;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The HTTP/1.1 answer the origins here give to {@code GET /bytes/N}: 200 with N bytes of {@link PatternBytes} (as
 * the built-in origin serves), and an empty 404 for any other path. A query string is ignored, so a test may make
 * each request target unique.
 */
final class Http1Bytes {
  private Http1Bytes() {
  }

  static FullHttpResponse answer(ByteBufAllocator alloc, String target) {
    int length = BytesPath.length(target);
    FullHttpResponse response = length < 0
        ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND, alloc.buffer(0))
        : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
            PatternBytes.chunk(alloc, 0, length));
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    return response;
  }
}
