package dev.ferry.bridge.headers;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.RequestHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.ferry.bridge.headers.Fields.get;
import static dev.ferry.bridge.headers.Fields.headers;
import static dev.ferry.bridge.headers.Fields.list;
import static dev.ferry.bridge.headers.Fields.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FieldSectionParserTest {

    /** RFC 9114 4.1.2 / 4.2 / 4.3 / 4.4, RFC 9220 4, RFC 9110 5.5 and 8.6: malformed requests and the rule named. */
    static Stream<Arguments> rfc9114MalformedRequests() {
        return Stream.of(
                // 4.2 field names
                arguments("upper-case character in field name X-Foo", get("X-Foo", "1")),
                arguments("empty field name", get("", "1")),
                arguments("invalid character in field name x foo", get("x foo", "1")),
                arguments("invalid character in field name x:y", get("x:y", "1")),
                arguments("invalid character in field name caf\\xe9", get("caf\u00e9", "1")),
                // RFC 9110 5.5 / RFC 9114 4.2 field values
                arguments("CR in value of x-a", get("x-a", "a\rb")),
                arguments("LF in value of x-a", get("x-a", "a\nb")),
                arguments("NUL in value of x-a", get("x-a", "a\0b")),
                arguments("leading whitespace in value of x-a", get("x-a", " a")),
                arguments("trailing whitespace in value of x-a", get("x-a", "a\t")),
                arguments("LF in value of :path", list(":method", "GET", ":scheme", "https",
                        ":authority", "example.com", ":path", "/a\nb")),
                // 4.3 pseudo-header fields
                arguments("unknown pseudo-header field :foo", get(":foo", "1")),
                arguments("unknown pseudo-header field :status", list(":status", "200", ":method", "GET",
                        ":scheme", "https", ":authority", "example.com", ":path", "/")),
                arguments("duplicate pseudo-header field :method", list(":method", "GET", ":method", "GET",
                        ":scheme", "https", ":authority", "example.com", ":path", "/")),
                arguments("duplicate pseudo-header field :path", get(":path", "/x")),
                arguments("pseudo-header field :path after regular field", list(":method", "GET",
                        ":scheme", "https", ":authority", "example.com", "accept", "*/*", ":path", "/")),
                arguments("missing :method", list(":scheme", "https", ":authority", "example.com", ":path", "/")),
                arguments("invalid :method G(T", list(":method", "G(T", ":scheme", "https",
                        ":authority", "example.com", ":path", "/")),
                arguments("missing :scheme in GET request", list(":method", "GET",
                        ":authority", "example.com", ":path", "/")),
                arguments("invalid :scheme 1ttp", list(":method", "GET", ":scheme", "1ttp",
                        ":authority", "example.com", ":path", "/")),
                arguments("missing :path in GET request", list(":method", "GET", ":scheme", "https",
                        ":authority", "example.com")),
                arguments("empty :path", list(":method", "GET", ":scheme", "https",
                        ":authority", "example.com", ":path", "")),
                arguments("asterisk :path in a GET request", list(":method", "GET", ":scheme", "https",
                        ":authority", "example.com", ":path", "*")),
                arguments(":path must start with / for https", list(":method", "GET", ":scheme", "https",
                        ":authority", "example.com", ":path", "index.html")),
                arguments("invalid character in :path /a b", list(":method", "GET", ":scheme", "https",
                        ":authority", "example.com", ":path", "/a b")),
                arguments("invalid character in :path /a#frag", list(":method", "GET", ":scheme", "https",
                        ":authority", "example.com", ":path", "/a#frag")),
                // 4.3.1 :authority and Host
                arguments("missing :authority and host for https request", list(":method", "GET",
                        ":scheme", "https", ":path", "/")),
                arguments("empty :authority", list(":method", "GET", ":scheme", "https",
                        ":authority", "", ":path", "/")),
                arguments("userinfo in :authority", list(":method", "GET", ":scheme", "https",
                        ":authority", "user@example.com", ":path", "/")),
                arguments("invalid character in :authority", list(":method", "GET", ":scheme", "https",
                        ":authority", "example.com/evil", ":path", "/")),
                arguments("malformed :authority", list(":method", "GET", ":scheme", "https",
                        ":authority", "2001:db8::1", ":path", "/")),
                arguments("host does not match :authority: other.example vs example.com",
                        get("host", "other.example")),
                arguments("multiple host fields", list(":method", "GET", ":scheme", "https", ":path", "/",
                        "host", "a.example", "host", "b.example")),
                // 4.2 connection-specific fields and TE
                arguments("connection-specific field connection in request", get("connection", "close")),
                arguments("connection-specific field keep-alive in request", get("keep-alive", "timeout=5")),
                arguments("connection-specific field proxy-connection in request",
                        get("proxy-connection", "keep-alive")),
                arguments("connection-specific field transfer-encoding in request",
                        get("transfer-encoding", "chunked")),
                arguments("connection-specific field upgrade in request", get("upgrade", "websocket")),
                arguments("te field with a value other than trailers: gzip", get("te", "gzip")),
                arguments("te field with a value other than trailers: trailers, gzip",
                        get("te", "trailers, gzip")),
                // RFC 9110 8.6 Content-Length
                arguments("differing content-length values 5 and 6",
                        get("content-length", "5", "content-length", "6")),
                arguments("differing content-length values 5 and 6", get("content-length", "5, 6")),
                arguments("content-length not a decimal: -1", get("content-length", "-1")),
                arguments("content-length not a decimal: abc", get("content-length", "abc")),
                arguments("empty content-length value", get("content-length", "5,,5")),
                arguments("content-length out of range", get("content-length", "99999999999999999999")),
                // 4.4 CONNECT
                arguments(":scheme in CONNECT request", list(":method", "CONNECT", ":scheme", "https",
                        ":authority", "example.com:443")),
                arguments(":path in CONNECT request", list(":method", "CONNECT", ":authority", "example.com:443",
                        ":path", "/")),
                arguments("missing :authority in CONNECT request", list(":method", "CONNECT")),
                arguments("CONNECT :authority must be host:port", list(":method", "CONNECT",
                        ":authority", "example.com")),
                arguments("port out of range (0-65535) in :authority", list(":method", "CONNECT",
                        ":authority", "example.com:70000")),
                // RFC 3986 3.2.3 and RFC 9110 4.2.1: the port is digits; the relay also bounds it to 0-65535
                arguments("port out of range (0-65535) in :authority", authority("example.com:99999")),
                arguments("port out of range (0-65535) in :authority", authority("example.com:065536")),
                arguments("invalid port in :authority", authority("example.com:8a")),
                arguments("invalid port in :authority", authority("example.com:-1")),
                arguments("empty port in :authority", authority("example.com:")),
                arguments("port out of range (0-65535) in host", hostOnly("example.com:99999")),
                arguments("invalid character in host", hostOnly("exa mple.com")),
                arguments("userinfo in host", hostOnly("user@example.com")),
                arguments("malformed host", hostOnly("[::1")),
                arguments("CONNECT :authority must be host:port", list(":method", "CONNECT",
                        ":authority", "[2001:db8::1]")),
                // RFC 9220 4 extended CONNECT
                arguments(":protocol in a GET request", get(":protocol", "websocket")),
                arguments("missing :path in extended CONNECT request", list(":method", "CONNECT",
                        ":protocol", "connect-udp", ":scheme", "https", ":authority", "proxy.example")),
                arguments("missing :scheme in extended CONNECT request", list(":method", "CONNECT",
                        ":protocol", "connect-udp", ":authority", "proxy.example", ":path", "/x")),
                arguments("missing :authority in extended CONNECT request", list(":method", "CONNECT",
                        ":protocol", "connect-udp", ":scheme", "https", ":path", "/x")),
                arguments("invalid :protocol", list(":method", "CONNECT", ":protocol", "connect udp",
                        ":scheme", "https", ":authority", "proxy.example", ":path", "/x")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc9114MalformedRequests")
    void rejectsMalformedRequestWithPreciseDetail(String expectedDetail, List<Map.Entry<String, String>> fields) {
        ProxyException e = assertThrows(ProxyException.class, () -> FieldSectionParser.parse(fields));
        assertEquals(ProxyErrorType.HTTP_REQUEST_ERROR, e.type());
        assertEquals(ProxyException.Side.CLIENT, e.side());
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(expectedDetail),
                () -> "detail '" + e.getMessage() + "' lacks '" + expectedDetail + "'");
    }

    /** Valid requests: method, scheme, authority, path, protocol, regular fields in order. */
    static Stream<Arguments> rfc9114ValidRequests() {
        return Stream.of(
                arguments(get("accept", "*/*", "x-b", "2", "x-a", "1"),
                        "GET", "https", "example.com", "/", null, List.of("accept: */*", "x-b: 2", "x-a: 1")),
                arguments(list(":method", "GET", ":scheme", "http", ":path", "/p?q=1", "host", "example.com:8080"),
                        "GET", "http", null, "/p?q=1", null, List.of("host: example.com:8080")),
                arguments(get("host", "EXAMPLE.com"),
                        "GET", "https", "example.com", "/", null, List.of("host: EXAMPLE.com")),
                arguments(list(":method", "OPTIONS", ":scheme", "https", ":authority", "example.com", ":path", "*"),
                        "OPTIONS", "https", "example.com", "*", null, List.of()),
                arguments(list(":method", "CONNECT", ":authority", "example.com:443"),
                        "CONNECT", null, "example.com:443", null, null, List.of()),
                arguments(list(":method", "CONNECT", ":authority", "[2001:db8::1]:443"),
                        "CONNECT", null, "[2001:db8::1]:443", null, null, List.of()),
                arguments(list(":method", "CONNECT", ":protocol", "connect-udp", ":scheme", "https",
                                ":authority", "proxy.example", ":path", "/.well-known/masque/udp/192.0.2.6/443/",
                                "capsule-protocol", "?1"),
                        "CONNECT", "https", "proxy.example", "/.well-known/masque/udp/192.0.2.6/443/",
                        "connect-udp", List.of("capsule-protocol: ?1")),
                arguments(get("content-length", "5, 5", "x-a", "1", "content-length", "5", "x-b", "2"),
                        "GET", "https", "example.com", "/", null, List.of("content-length: 5", "x-a: 1", "x-b: 2")),
                arguments(get("cookie", "a=1", "accept", "*/*", "cookie", "b=2"),
                        "GET", "https", "example.com", "/", null, List.of("cookie: a=1", "accept: */*", "cookie: b=2")),
                arguments(get("te", "trailers", "x-empty", "", "x-inner", "a \t b"),
                        "GET", "https", "example.com", "/", null,
                        List.of("te: trailers", "x-empty: ", "x-inner: a \t b")),
                arguments(list(":method", "POST", ":scheme", "https", ":authority", "example.com:8443",
                                ":path", "/upload", "content-length", "0"),
                        "POST", "https", "example.com:8443", "/upload", null, List.of("content-length: 0")));
    }

    @ParameterizedTest
    @MethodSource("rfc9114ValidRequests")
    void parsesValidRequest(List<Map.Entry<String, String>> fields, String method, String scheme,
                            String authority, String path, String protocol, List<String> headers) {
        RequestHead head = FieldSectionParser.parse(fields);
        assertEquals(method, head.method());
        assertEquals(scheme, head.scheme());
        assertEquals(authority, head.authority());
        assertEquals(path, head.path());
        assertEquals(protocol, head.protocol());
        assertEquals(headers, render(head.headers()));
    }

    /** RFC 9114 4.3: no pseudo-header fields in trailers; 4.2 rules as in headers. */
    static Stream<Arguments> rfc9114MalformedTrailers() {
        return Stream.of(
                arguments("pseudo-header field :path in trailer section", list("x-a", "1", ":path", "/")),
                arguments("connection-specific field transfer-encoding in trailer section",
                        list("transfer-encoding", "chunked")),
                arguments("upper-case character in field name Grpc-Status", list("Grpc-Status", "0")),
                arguments("CR in value of x-a", list("x-a", "1\r")),
                arguments("empty field name", list("", "1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc9114MalformedTrailers")
    void rejectsMalformedTrailers(String expectedDetail, List<Map.Entry<String, String>> fields) {
        ProxyException e = assertThrows(ProxyException.class, () -> FieldSectionParser.parseTrailers(fields));
        assertEquals(ProxyErrorType.HTTP_REQUEST_ERROR, e.type());
        assertTrue(e.getMessage().contains(expectedDetail), e.getMessage());
    }

    @Test
    void parsesTrailersInOrder() {
        assertEquals(List.of("grpc-status: 0", "grpc-message: ok", "x-sum: 1"),
                render(FieldSectionParser.parseTrailers(list("grpc-status", "0", "grpc-message", "ok", "x-sum", "1"))));
    }

    /** RFC 9110 8.6: absent is -1, identical lists collapse, differing values are malformed. */
    static Stream<Arguments> rfc9110ContentLength() {
        return Stream.of(
                arguments(new String[0], -1L),
                arguments(new String[] {"content-length", "0"}, 0L),
                arguments(new String[] {"content-length", "42"}, 42L),
                arguments(new String[] {"content-length", "7, 7", "content-length", "7"}, 7L),
                arguments(new String[] {"content-length", "9223372036854775807"}, Long.MAX_VALUE));
    }

    @ParameterizedTest
    @MethodSource("rfc9110ContentLength")
    void readsContentLength(String[] fields, long expected) {
        assertEquals(expected, FieldSyntax.contentLength(headers(fields)));
    }

    @Test
    void contentLengthRejectsDifferingValues() {
        ProxyException e = assertThrows(ProxyException.class,
                () -> FieldSyntax.contentLength(headers("content-length", "1", "content-length", "2")));
        assertEquals(ProxyErrorType.HTTP_REQUEST_ERROR, e.type());
    }

    @Test
    void keepsAuthorityNullWhenOnlyHostIsPresent() {
        RequestHead head = FieldSectionParser.parse(list(":method", "GET", ":scheme", "https", ":path", "/",
                "host", "example.com"));
        assertNull(head.authority());
        assertEquals("example.com", head.headers().get("host"));
    }

    /** A GET whose :authority is {@code value}. */
    private static List<Map.Entry<String, String>> authority(String value) {
        return list(":method", "GET", ":scheme", "https", ":authority", value, ":path", "/");
    }

    /** A GET with no :authority and a Host field of {@code value}. */
    private static List<Map.Entry<String, String>> hostOnly(String value) {
        return list(":method", "GET", ":scheme", "https", ":path", "/", "host", value);
    }
}
