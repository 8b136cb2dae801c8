package dev.ferry.bridge.headers;

import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.ferry.bridge.headers.Fields.headers;
import static dev.ferry.bridge.headers.Fields.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class HopByHopFieldsTest {

    /** RFC 9110 7.6.1 (and RFC 9113 8.2.2 / RFC 9114 4.2 for TE): input, keepTeTrailers, what remains. */
    static Stream<Arguments> rfc9110Section761() {
        return Stream.of(
                arguments("fixed list removed", new String[] {"connection", "close", "keep-alive", "timeout=5",
                        "proxy-connection", "keep-alive", "transfer-encoding", "chunked", "upgrade", "h2c",
                        "te", "trailers", "accept", "*/*"}, false, List.of("accept: */*")),
                arguments("fields named by Connection removed, case-insensitive", new String[] {
                        "connection", "X-Foo, x-bar", "x-foo", "1", "X-Bar", "2", "x-baz", "3"},
                        false, List.of("x-baz: 3")),
                arguments("several Connection fields, empty members", new String[] {
                        "connection", "a", "connection", " b ,, c", "a", "1", "b", "2", "c", "3", "d", "4"},
                        false, List.of("d: 4")),
                arguments("Connection: close names nothing else", new String[] {
                        "connection", "close", "cache-control", "no-cache"}, false, List.of("cache-control: no-cache")),
                arguments("te trailers kept for HTTP/2 and HTTP/3", new String[] {
                        "te", "trailers", "accept", "*/*"}, true, List.of("accept: */*", "te: trailers")),
                arguments("te trailers dropped for HTTP/1.1", new String[] {
                        "te", "trailers", "accept", "*/*"}, false, List.of("accept: */*")),
                arguments("te gzip dropped even for HTTP/2", new String[] {"te", "gzip"}, true, List.of()),
                arguments("te list reduced to trailers", new String[] {
                        "te", "deflate;q=0.5, Trailers"}, true, List.of("te: trailers")),
                arguments("te kept although Connection names it", new String[] {
                        "connection", "TE", "te", "trailers"}, true, List.of("te: trailers")),
                arguments("proxy-authorization, proxy-authenticate and trailer untouched", new String[] {
                        "proxy-authorization", "Basic Zm9vOmJhcg==", "proxy-authenticate", "Basic",
                        "trailer", "grpc-status"}, false, List.of("proxy-authorization: Basic Zm9vOmJhcg==",
                        "proxy-authenticate: Basic", "trailer: grpc-status")),
                arguments("order of the rest kept", new String[] {
                        "z", "1", "connection", "y", "y", "2", "a", "3", "m", "4"}, false,
                        List.of("z: 1", "a: 3", "m: 4")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc9110Section761")
    void stripsHopByHopFields(String name, String[] input, boolean keepTeTrailers, List<String> expected) {
        HttpHeaders h = headers(input);
        HopByHopFields.strip(h, keepTeTrailers);
        assertEquals(expected, render(h));
    }

    @Test
    void singleArgumentStripDropsTe() {
        HttpHeaders h = headers("te", "trailers", "x", "1");
        HopByHopFields.strip(h);
        assertEquals(List.of("x: 1"), render(h));
    }
}
