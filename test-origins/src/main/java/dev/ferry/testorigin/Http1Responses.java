package dev.ferry.testorigin;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Response heads for {@link Http1OriginHandler}, kept apart so the handler reads as the exchange state machine. */
final class Http1Responses {

    private Http1Responses() {
    }

    /** A 200 head for a streamed body; framing (length or chunked) is set by the caller. */
    static HttpResponse head(String contentType, boolean keepAlive) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        if (!keepAlive) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return head;
    }

    /** A whole text response; 204 and 304 go without body and framing headers. */
    static FullHttpResponse fixed(int status, String body, boolean keepAlive) {
        boolean bodyless = status == 204 || status == 304;
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                bodyless ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        if (!bodyless) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, OriginRoutes.CONTENT_TYPE_TEXT);
            HttpUtil.setContentLength(res, res.content().readableBytes());
        }
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return res;
    }

    /**
     * {@code /hop-fields}: a 200 carrying the hop-by-hop fields of RFC 9110 section 7.6.1 that a relay must not
     * forward (Connection, a field Connection names, Keep-Alive and Proxy-Connection) beside one end-to-end field
     * it must keep.
     */
    static FullHttpResponse hopFields(String body, boolean keepAlive) {
        FullHttpResponse res = fixed(200, body, true);
        res.headers()
                .set(HttpHeaderNames.CONNECTION, keepAlive ? "x-private-hop, keep-alive" : "x-private-hop, close")
                .set(HttpHeaderNames.KEEP_ALIVE, "timeout=5")
                .set("x-private-hop", "secret")
                .set("proxy-connection", "keep-alive")
                .set(OriginRoutes.HOP_FIELDS_KEPT, "yes");
        return res;
    }
}
