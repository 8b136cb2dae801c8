package dev.ferry.tcpingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Http1RequestParserTest {
    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsARequestHeadAndLeavesTheBodyBehindIt() {
        ByteBuf in = bytes("\r\nPOST /a?b=1 HTTP/1.1\r\nHost: x.test\r\nContent-Length:  3 \r\n\r\nabc");
        Http1RequestParser.Head head = Http1RequestParser.readHead(in, 65536);
        assertEquals("POST", head.method());
        assertEquals("/a?b=1", head.target());
        assertEquals("HTTP/1.1", head.version());
        assertEquals(List.of(Map.entry("Host", "x.test"), Map.entry("Content-Length", "3")), head.fields());
        assertEquals("abc", in.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void anIncompleteHeadConsumesNothing() {
        ByteBuf in = bytes("GET / HTTP/1.1\r\nHost: x\r\n\r");
        assertNull(Http1RequestParser.readHead(in, 65536));
        assertEquals(0, in.readerIndex());
    }

    static Stream<Arguments> malformedHeads() {
        return Stream.of(
                Arguments.of("bare LF ends a line", "GET / HTTP/1.1\nHost: x\r\n\r\n"),
                Arguments.of("bare LF inside the fields", "GET / HTTP/1.1\r\nHost: x\nX-A: 1\r\n\r\n"),
                Arguments.of("bare CR", "GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n"),
                Arguments.of("obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n"),
                Arguments.of("whitespace before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n"),
                Arguments.of("no colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n"),
                Arguments.of("control character in a value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n"),
                Arguments.of("two spaces in the request line", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of("space in the target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of("invalid method", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of("not a version", "GET / HTTX/1.1\r\nHost: x\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeads")
    void malformedHeadsAreRefusedWith400(String name, String head) {
        ProxyException e = assertThrows(ProxyException.class,
                () -> Http1RequestParser.readHead(bytes(head), 65536), name);
        assertEquals(400, e.status(), e.getMessage());
    }

    @Test
    void anotherHttpVersionGets505() {
        ProxyException e = assertThrows(ProxyException.class,
                () -> Http1RequestParser.readHead(bytes("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 65536));
        assertEquals(505, e.status());
    }

    @Test
    void aHeadOverTheLimitGets431EvenBeforeItEnds() {
        ProxyException e = assertThrows(ProxyException.class,
                () -> Http1RequestParser.readHead(bytes("GET / HTTP/1.1\r\nX-A: " + "a".repeat(5000)), 4096));
        assertEquals(431, e.status());
    }

    static Stream<Arguments> chunkSizes() {
        return Stream.of(Arguments.of("1a\r\n", 26L), Arguments.of("1A;name\r\n", 26L),
                Arguments.of("10 ; a=b ;c=\"q;\\\"x\"\r\n", 16L), Arguments.of("0\r\n", 0L));
    }

    @ParameterizedTest
    @MethodSource("chunkSizes")
    void chunkSizesWithExtensions(String line, long size) {
        ByteBuf in = bytes(line + "rest");
        assertEquals(size, Http1RequestParser.readChunkSize(in));
        assertEquals("rest", in.toString(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x1a\r\n", " 1a\r\n", "1a\n", "-1\r\n", "\r\n", "1a;\r\n", "1a;a=\r\n", "1a;a=\"x\r\n",
        "1234567890abcdef\r\n", "1a x\r\n"})
    void malformedChunkSizeLinesAreRefused(String line) {
        ProxyException e = assertThrows(ProxyException.class, () -> Http1RequestParser.readChunkSize(bytes(line)));
        assertEquals(400, e.status());
    }

    @Test
    void anIncompleteChunkSizeLineWaits() {
        ByteBuf in = bytes("1a;ext");
        assertEquals(-1, Http1RequestParser.readChunkSize(in));
        assertEquals(0, in.readerIndex());
    }

    @Test
    void chunkDataMustEndInCrlf() {
        assertTrue(Http1RequestParser.readChunkEnd(bytes("\r\n")));
        assertThrows(ProxyException.class, () -> Http1RequestParser.readChunkEnd(bytes("x\r\n")));
        assertThrows(ProxyException.class, () -> Http1RequestParser.readChunkEnd(bytes("\n")));
    }

    @Test
    void trailers() {
        ByteBuf in = bytes("X-Sum: 1\r\n\r\nnext");
        assertEquals(List.of(Map.entry("X-Sum", "1")), Http1RequestParser.readTrailers(in, 4096));
        assertEquals("next", in.toString(StandardCharsets.US_ASCII));
        assertEquals(List.of(), Http1RequestParser.readTrailers(bytes("\r\n"), 4096));
        assertThrows(ProxyException.class, () -> Http1RequestParser.readTrailers(bytes("X-Sum: 1\n\r\n"), 4096));
    }
}
