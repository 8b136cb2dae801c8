package dev.ferry.bridge.headers;

import io.netty.handler.codec.http.HttpHeaders;
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

class ViaFieldTest {

    /** RFC 9110 7.6.3: received-protocol received-by, appended to one comma-separated field. */
    static Stream<Arguments> rfc9110Section763Append() {
        return Stream.of(
                arguments(new String[0], "3", List.of("via: 3 ferry")),
                arguments(new String[0], "HTTP/1.1", List.of("via: 1.1 ferry")),
                arguments(new String[0], "HTTP/2.0", List.of("via: 2 ferry")),
                arguments(new String[0], "2", List.of("via: 2 ferry")),
                arguments(new String[0], "HTTP/3", List.of("via: 3 ferry")),
                arguments(new String[0], "FOO/1", List.of("via: FOO/1 ferry")),
                arguments(new String[] {"via", "1.1 a"}, "2", List.of("via: 1.1 a, 2 ferry")),
                arguments(new String[] {"x", "1", "Via", "1.0 a (comment, here)", "via", "1.1 b"}, "3",
                        List.of("x: 1", "via: 1.0 a (comment, here), 1.1 b, 3 ferry")));
    }

    @ParameterizedTest
    @MethodSource("rfc9110Section763Append")
    void appendsViaEntry(String[] incoming, String version, List<String> expected) {
        HttpHeaders h = headers(incoming);
        ViaField.append(h, version, "ferry");
        assertEquals(expected, render(h));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fer ry", "", "a,b", "(x)", "a/b"})
    void rejectsPseudonymThatIsNoToken(String pseudonym) {
        assertThrows(IllegalArgumentException.class, () -> ViaField.append(headers(), "3", pseudonym));
        assertThrows(IllegalArgumentException.class, () -> ViaField.requireValidPseudonym(pseudonym));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1 1", "HTTP/", "a/b/c"})
    void rejectsUnwritableProtocolVersion(String version) {
        assertThrows(IllegalArgumentException.class, () -> ViaField.append(headers(), version, "ferry"));
    }

    /** RFC 9110 7.6.3 and RFC 9209 proxy_loop_detected: the pseudonym as received-by, not inside comments. */
    static Stream<Arguments> loopDetection() {
        return Stream.of(
                arguments(new String[0], false),
                arguments(new String[] {"via", "1.1 ferry"}, true),
                arguments(new String[] {"via", "1.1 other, 3 ferry (Ferry/0.1)"}, true),
                arguments(new String[] {"via", "1.1 other", "via", "2 FERRY"}, true),
                arguments(new String[] {"via", "1.1 other (seen ferry, ok)"}, false),
                arguments(new String[] {"via", "1.1 other (a \\) ferry, b), 2 x"}, false),
                arguments(new String[] {"via", "1.1 ferryx, 1.1 xferry"}, false),
                arguments(new String[] {"via", "1.1 ferry.example:443"}, false),
                arguments(new String[] {"via", "ferry"}, false));
    }

    @ParameterizedTest
    @MethodSource("loopDetection")
    void detectsLoops(String[] incoming, boolean expected) {
        assertEquals(expected, ViaField.seenBefore(headers(incoming), "ferry"));
    }
}
