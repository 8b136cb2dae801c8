package dev.ferry.bridge.headers;

import dev.ferry.bridge.exchange.RequestHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.ferry.bridge.headers.Fields.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class OriginRequestTranslatorTest {

    private static RequestHead head(String method, String scheme, String authority, String path, String protocol,
                                    String... fields) {
        RequestHead.Builder b = RequestHead.builder().method(method).scheme(scheme).authority(authority).path(path)
                .protocol(protocol);
        b.headers().set(Fields.headers(fields));
        return b.build();
    }

    private static RequestHead get(String authority, String... fields) {
        return head("GET", "https", authority, "/", null, fields);
    }

    /** RFC 9113 8.3.1 / RFC 9114 4.3.1 (authority wins), RFC 9114 4.2.1 (cookies), RFC 9110 7.6.1 (hop-by-hop). */
    static Stream<Arguments> http1Translation() {
        return Stream.of(
                arguments("authority wins, host dropped", get("example.com", "accept", "*/*", "host", "example.com"),
                        List.of("host: example.com", "accept: */*")),
                arguments("host from the Host field without authority", get(null, "accept", "*/*", "host", "a.example"),
                        List.of("host: a.example", "accept: */*")),
                arguments("empty host without any authority", get(null, "accept", "*/*"),
                        List.of("host: ", "accept: */*")),
                arguments("cookies joined with '; ' where the first stood", get("example.com",
                        "x-a", "1", "cookie", "a=1", "x-b", "2", "cookie", "b=2", "cookie", "c=3"),
                        List.of("host: example.com", "x-a: 1", "cookie: a=1; b=2; c=3", "x-b: 2")),
                arguments("te dropped for HTTP/1.1", get("example.com", "te", "trailers", "x", "1"),
                        List.of("host: example.com", "x: 1")),
                arguments("Connection-named fields dropped", get("example.com", "connection", "x-hop",
                        "x-hop", "1", "x-end", "2"), List.of("host: example.com", "x-end: 2")),
                arguments("CONNECT host is the authority", head("CONNECT", null, "example.com:443", null, null),
                        List.of("host: example.com:443")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("http1Translation")
    void translatesForHttp1(String name, RequestHead head, List<String> expected) {
        assertEquals(expected, render(OriginRequestTranslator.toHttp1(head)));
    }

    /** RFC 9113 8.2.1-8.2.3 and 8.3.1, RFC 9114 4.2 and 4.3.1. */
    static Stream<Arguments> http2Translation() {
        return Stream.of(
                arguments("host removed beside authority", get("example.com", "host", "example.com", "x", "1"),
                        List.of("x: 1")),
                arguments("host kept without authority", get(null, "host", "a.example", "x", "1"),
                        List.of("host: a.example", "x: 1")),
                arguments("te trailers kept", get("example.com", "te", "trailers", "x", "1"),
                        List.of("x: 1", "te: trailers")),
                arguments("te gzip dropped", get("example.com", "te", "gzip"), List.of()),
                arguments("cookies stay separate", get("example.com", "cookie", "a=1", "cookie", "b=2"),
                        List.of("cookie: a=1", "cookie: b=2")),
                arguments("names lower-cased", get("example.com", "X-Mixed-Case", "v", "Accept", "*/*"),
                        List.of("x-mixed-case: v", "accept: */*")),
                arguments("connection-specific fields dropped", get("example.com", "connection", "x-hop",
                        "x-hop", "1", "keep-alive", "5", "upgrade", "h2c", "transfer-encoding", "chunked",
                        "proxy-connection", "close", "x-end", "2"), List.of("x-end: 2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("http2Translation")
    void translatesForHttp2AndHttp3(String name, RequestHead head, List<String> expected) {
        assertEquals(expected, render(OriginRequestTranslator.toHttp2(head)));
    }

    /** RFC 9112 3.2: origin-form, authority-form for CONNECT, asterisk-form. */
    static Stream<Arguments> requestTargets() {
        return Stream.of(
                arguments(head("GET", "https", "example.com", "/a?b=c", null), "/a?b=c"),
                arguments(head("CONNECT", null, "example.com:443", null, null), "example.com:443"),
                arguments(head("OPTIONS", "https", "example.com", "*", null), "*"),
                arguments(head("CONNECT", "https", "example.com", "/chat", "websocket"), "/chat"));
    }

    @ParameterizedTest
    @MethodSource("requestTargets")
    void choosesRequestTarget(RequestHead head, String expected) {
        assertEquals(expected, OriginRequestTranslator.requestTarget(head));
    }

    @Test
    void leavesTheHeadUnchanged() {
        RequestHead h = get("example.com", "host", "example.com", "cookie", "a=1", "cookie", "b=2", "te", "trailers");
        OriginRequestTranslator.toHttp1(h);
        OriginRequestTranslator.toHttp2(h);
        assertEquals(List.of("host: example.com", "cookie: a=1", "cookie: b=2", "te: trailers"), render(h.headers()));
    }

    @Test
    void requestTargetNeedsAPath() {
        assertThrows(IllegalArgumentException.class,
                () -> OriginRequestTranslator.requestTarget(head("GET", "https", "example.com", null, null)));
    }
}
