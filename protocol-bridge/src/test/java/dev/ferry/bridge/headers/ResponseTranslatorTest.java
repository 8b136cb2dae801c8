package dev.ferry.bridge.headers;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.ResponseHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.ferry.bridge.headers.Fields.headers;
import static dev.ferry.bridge.headers.Fields.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ResponseTranslatorTest {

    /**
     * RFC 9114 4.2 (lower case, carriable fields), RFC 9110 7.6.1 (hop-by-hop), 8.6 (Content-Length), 7.6.3 (Via),
     * RFC 9112 6.3 (Transfer-Encoding overrides Content-Length). Columns: status, connect, origin fields, via on,
     * expected client fields.
     */
    static Stream<Arguments> responseTranslation() {
        return Stream.of(
                arguments("names lower-cased", 200, false, new String[] {"Content-Type", "text/plain",
                        "X-Request-ID", "7"}, false, List.of("content-type: text/plain", "x-request-id: 7")),
                arguments("hop-by-hop stripped", 200, false, new String[] {"Connection", "keep-alive, X-Hop",
                        "Keep-Alive", "timeout=5", "X-Hop", "1", "Upgrade", "h2c", "TE", "trailers",
                        "Proxy-Connection", "close", "etag", "\"x\""}, false, List.of("etag: \"x\"")),
                arguments("uncarriable fields dropped", 200, false, new String[] {"bad name", "1", "x-cr", "a\rb",
                        "x-lf", "a\nb", "x-nul", "a\0b", ":status", "200", "x-ok", "fine"}, false,
                        List.of("x-ok: fine")),
                arguments("surrounding whitespace trimmed", 200, false, new String[] {"x-a", " v \t"}, false,
                        List.of("x-a: v")),
                arguments("content-length kept on 200", 200, false, new String[] {"content-length", "10"}, false,
                        List.of("content-length: 10")),
                arguments("content-length list collapsed", 200, false, new String[] {"content-length", "10, 10",
                        "x", "1", "content-length", "10"}, false, List.of("content-length: 10", "x: 1")),
                arguments("content-length kept on 304", 304, false, new String[] {"content-length", "10"}, false,
                        List.of("content-length: 10")),
                arguments("content-length dropped on 204", 204, false, new String[] {"content-length", "0",
                        "x", "1"}, false, List.of("x: 1")),
                arguments("content-length dropped on 103", 103, false, new String[] {"content-length", "0",
                        "link", "</s.css>; rel=preload"}, false, List.of("link: </s.css>; rel=preload")),
                arguments("content-length dropped on 2xx to CONNECT", 200, true, new String[] {"content-length",
                        "0", "transfer-encoding", "chunked"}, false, List.of()),
                arguments("content-length kept on 407 to CONNECT", 407, true, new String[] {"content-length", "5"},
                        false, List.of("content-length: 5")),
                arguments("transfer-encoding overrides content-length", 200, false, new String[] {
                        "Transfer-Encoding", "chunked", "Content-Length", "99", "x", "1"}, false, List.of("x: 1")),
                arguments("via appended", 200, false, new String[] {"x", "1"}, true,
                        List.of("x: 1", "via: 1.1 ferry")),
                arguments("via appended to origin's via", 200, false, new String[] {"Via", "1.0 upstream", "x", "1"},
                        true, List.of("x: 1", "via: 1.0 upstream, 1.1 ferry")),
                arguments("via untouched when disabled", 200, false, new String[] {"Via", "1.0 upstream"}, false,
                        List.of("via: 1.0 upstream")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responseTranslation")
    void translatesOriginResponse(String name, int status, boolean connect, String[] origin, boolean via,
                                  List<String> expected) {
        ResponseHead.Builder b = ResponseTranslator.fromOrigin(status, headers(origin), "HTTP/1.1", "ferry", via,
                connect);
        assertEquals(status, b.status());
        assertEquals(expected, render(b.headers()));
    }

    @Test
    void fiveArgumentFormIsNotConnect() {
        ResponseHead.Builder b = ResponseTranslator.fromOrigin(200, headers("content-length", "3"), "3", "ferry", true);
        assertEquals(List.of("content-length: 3", "via: 3 ferry"), render(b.headers()));
    }

    @Test
    void anOriginsAltSvcIsNotForwarded() {
        ResponseHead.Builder b = ResponseTranslator.fromOrigin(200, headers("Alt-Svc", "h3=\":9443\"",
                "content-length", "3"), "HTTP/1.1", "ferry", false);
        assertEquals(List.of("content-length: 3"), render(b.headers()));
    }

    @Test
    void differingContentLengthIsAnOriginProtocolError() {
        ProxyException e = assertThrows(ProxyException.class, () -> ResponseTranslator.fromOrigin(200,
                headers("content-length", "10", "content-length", "11"), "HTTP/1.1", "ferry", false));
        assertEquals(ProxyErrorType.HTTP_PROTOCOL_ERROR, e.type());
        assertEquals(ProxyException.Side.ORIGIN, e.side());
        assertEquals(502, e.status());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 99, 600, 999})
    void statusOutside100To599IsAnOriginProtocolError(int status) {
        ProxyException e = assertThrows(ProxyException.class,
                () -> ResponseTranslator.fromOrigin(status, headers(), "HTTP/1.1", "ferry", false));
        assertEquals(ProxyErrorType.HTTP_PROTOCOL_ERROR, e.type());
    }

    /** RFC 9114 4.3 (no pseudo-header fields), RFC 9110 6.5.1 (no framing fields in trailers), 7.6.1. */
    static Stream<Arguments> trailerTranslation() {
        return Stream.of(
                arguments(new String[] {"Grpc-Status", "0", "grpc-message", "ok"},
                        List.of("grpc-status: 0", "grpc-message: ok")),
                arguments(new String[] {":status", "200", "content-length", "5", "transfer-encoding", "chunked",
                        "connection", "x-h", "x-h", "1", "te", "trailers", "x-sum", "abc"}, List.of("x-sum: abc")),
                arguments(new String[] {"x-bad", "a\r\nb", "bad name", "1", "x-ok", "1"}, List.of("x-ok: 1")));
    }

    @ParameterizedTest
    @MethodSource("trailerTranslation")
    void translatesOriginTrailers(String[] origin, List<String> expected) {
        assertEquals(expected, render(ResponseTranslator.trailersFromOrigin(headers(origin))));
    }
}
