package dev.ferry.http3.client;

import io.netty.handler.codec.http3.Http3Headers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A complete response as produced by {@link Http3Connection#send} (body in memory) or {@link Http3Connection#sendTo}
 * (body written to a file or stream, so {@link #body()} is {@code null}).
 *
 * @param status     the final status code
 * @param headers    the final response head, including {@code :status}
 * @param trailers   the trailer section, empty when none was sent
 * @param body       the body bytes when buffered, otherwise {@code null}
 * @param bodyFile   the file the body was written to, or {@code null}
 * @param bodyLength the number of body bytes received
 * @param timeToHead from sending the request until the final head arrived
 * @param total      from sending the request until the response's FIN
 */
public record Http3Response(int status, Http3Headers headers, Http3Headers trailers, byte[] body, Path bodyFile,
                            long bodyLength, Duration timeToHead, Duration total) {

    /** The buffered body decoded as UTF-8; fails when the body was not buffered. */
    public String bodyAsString() {
        if (body == null) {
            throw new IllegalStateException("body was not buffered in memory");
        }
        return new String(body, StandardCharsets.UTF_8);
    }
}
