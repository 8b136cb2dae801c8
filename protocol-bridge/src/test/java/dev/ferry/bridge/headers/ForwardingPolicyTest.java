package dev.ferry.bridge.headers;

import dev.ferry.bridge.headers.ForwardingPolicy.Mode;
import dev.ferry.bridge.headers.ForwardingPolicy.Style;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Stream;

import static dev.ferry.bridge.headers.Fields.headers;
import static dev.ferry.bridge.headers.Fields.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ForwardingPolicyTest {
    private static final String[] INCOMING = {"accept", "*/*", "forwarded", "for=198.51.100.17",
        "x-forwarded-for", "203.0.113.7", "x-forwarded-proto", "http", "x-forwarded-host", "evil.example",
        "x-real-ip", "203.0.113.7"};

    private static InetSocketAddress addr(String literal) {
        return new InetSocketAddress(literal, 50000);
    }

    /** RFC 7239 sections 4-6 and 8.3, and the X-Forwarded-For convention. */
    static Stream<Arguments> rfc7239() {
        return Stream.of(
                arguments(Mode.REPLACE, Style.FORWARDED, INCOMING, addr("192.0.2.1"), "https", "ferry",
                        List.of("accept: */*", "forwarded: for=192.0.2.1;proto=https;by=_ferry")),
                arguments(Mode.REPLACE, Style.FORWARDED, new String[0], addr("2001:db8::1"), "https", "ferry",
                        List.of("forwarded: for=\"[2001:db8::1]\";proto=https;by=_ferry")),
                arguments(Mode.REPLACE, Style.FORWARDED, new String[0], addr("2001:db8:0:0:0:0:0:1"), null, null,
                        List.of("forwarded: for=\"[2001:db8::1]\"")),
                arguments(Mode.REPLACE, Style.FORWARDED, new String[0], null, "https", "_hidden",
                        List.of("forwarded: for=unknown;proto=https;by=_hidden")),
                arguments(Mode.REPLACE, Style.FORWARDED, new String[0],
                        InetSocketAddress.createUnresolved("client.example", 1), "http", "unknown",
                        List.of("forwarded: for=unknown;proto=http;by=unknown")),
                arguments(Mode.APPEND, Style.FORWARDED, INCOMING, addr("192.0.2.1"), "https", "ferry",
                        List.of("accept: */*", "x-forwarded-for: 203.0.113.7", "x-forwarded-proto: http",
                                "x-forwarded-host: evil.example", "x-real-ip: 203.0.113.7",
                                "forwarded: for=198.51.100.17, for=192.0.2.1;proto=https;by=_ferry")),
                arguments(Mode.APPEND, Style.FORWARDED, new String[] {"forwarded", "for=a", "forwarded", "for=b"},
                        addr("192.0.2.1"), null, null, List.of("forwarded: for=a, for=b, for=192.0.2.1")),
                arguments(Mode.APPEND, Style.X_FORWARDED_FOR, INCOMING, addr("192.0.2.1"), "https", "ferry",
                        List.of("accept: */*", "forwarded: for=198.51.100.17", "x-forwarded-proto: http",
                                "x-forwarded-host: evil.example", "x-real-ip: 203.0.113.7",
                                "x-forwarded-for: 203.0.113.7, 192.0.2.1")),
                arguments(Mode.APPEND, Style.X_FORWARDED_FOR, new String[0], addr("2001:db8::1"), "https", null,
                        List.of("x-forwarded-for: 2001:db8::1", "x-forwarded-proto: https")),
                arguments(Mode.REPLACE, Style.X_FORWARDED_FOR, INCOMING, addr("192.0.2.1"), "https", "ferry",
                        List.of("accept: */*", "x-forwarded-for: 192.0.2.1", "x-forwarded-proto: https")),
                arguments(Mode.REPLACE, Style.BOTH, INCOMING, addr("2001:db8::1"), "https", "ferry",
                        List.of("accept: */*", "forwarded: for=\"[2001:db8::1]\";proto=https;by=_ferry",
                                "x-forwarded-for: 2001:db8::1", "x-forwarded-proto: https")),
                arguments(Mode.OMIT, Style.BOTH, INCOMING, addr("192.0.2.1"), "https", "ferry",
                        List.of("accept: */*")),
                arguments(Mode.OMIT, Style.FORWARDED, INCOMING, addr("192.0.2.1"), "https", "ferry",
                        List.of("accept: */*")));
    }

    @ParameterizedTest(name = "{0} {1} #{index}")
    @MethodSource("rfc7239")
    void writesForwardingFields(Mode mode, Style style, String[] incoming, InetSocketAddress client, String proto,
                                String by, List<String> expected) {
        HttpHeaders h = headers(incoming);
        ForwardingPolicy.of(mode, style).apply(h, client, proto, by);
        assertEquals(expected, render(h));
    }

    @Test
    void defaultsReplaceWithForwarded() {
        assertEquals(ForwardingPolicy.of(Mode.REPLACE, Style.FORWARDED), ForwardingPolicy.defaults());
        assertEquals(Mode.REPLACE, ForwardingPolicy.defaults().mode());
        assertEquals(Style.FORWARDED, ForwardingPolicy.defaults().style());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fer ry", "", "_", "a,b", "f\"x"})
    void rejectsPseudonymThatIsNoObfuscatedNode(String pseudonym) {
        assertThrows(IllegalArgumentException.class, () -> ForwardingPolicy.defaults()
                .apply(headers(), addr("192.0.2.1"), "https", pseudonym));
    }

    @Test
    void rejectsProtoThatIsNoScheme() {
        assertThrows(IllegalArgumentException.class, () -> ForwardingPolicy.defaults()
                .apply(headers(), addr("192.0.2.1"), "ht tps", "ferry"));
    }

    /** Every client-address field the relay knows, each naming a forged address. */
    private static String[] forgedIdentity() {
        List<String> nv = new java.util.ArrayList<>(List.of("accept", "*/*"));
        for (String name : ClientIdentityFields.ADDRESS_FIELDS) {
            nv.add(name);
            nv.add(name.equals("forwarded") ? "for=203.0.113.66" : "203.0.113.66");
        }
        return nv.toArray(new String[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"REPLACE", "OMIT"})
    void removesEveryKnownClientAddressFieldUnlessAppending(String mode) {
        HttpHeaders h = headers(forgedIdentity());
        ForwardingPolicy.of(Mode.valueOf(mode), Style.BOTH).apply(h, addr("192.0.2.1"), "https", "ferry");
        for (java.util.Map.Entry<String, String> field : h) {
            assertFalse(field.getValue().contains("203.0.113.66"), () -> "forged value kept in " + field);
        }
    }

    @Test
    void appendKeepsTheChainForATrustedProxyInFront() {
        HttpHeaders h = headers(forgedIdentity());
        ForwardingPolicy.of(Mode.APPEND, Style.FORWARDED).apply(h, addr("192.0.2.1"), "https", "ferry");
        assertEquals("203.0.113.66", h.get("true-client-ip"));
        assertEquals("for=203.0.113.66, for=192.0.2.1;proto=https;by=_ferry", h.get("forwarded"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"APPEND", "REPLACE", "OMIT"})
    void neverForwardsProxyCredentialsAndStripsConfiguredFields(String mode) {
        HttpHeaders h = headers("proxy-authorization", "Basic Zm9vOmJhcg==", "x-internal-token", "secret",
                "accept", "*/*");
        ForwardingPolicy.of(Mode.valueOf(mode), Style.FORWARDED, List.of("X-Internal-Token"))
                .apply(h, addr("192.0.2.1"), "https", "ferry");
        assertFalse(h.contains("proxy-authorization"));
        assertFalse(h.contains("x-internal-token"));
        assertEquals("*/*", h.get("accept"));
    }

    @Test
    void omitDropsTheClientsViaEntriesButKeepsThisRelaysOwn() {
        HttpHeaders h = headers("via", "1.1 10.1.2.3, 2 corp-proxy.internal (squid)", "via", "3 ferry");
        ForwardingPolicy.of(Mode.OMIT, Style.FORWARDED).apply(h, addr("192.0.2.1"), "https", "ferry");
        assertEquals(List.of("3 ferry"), h.getAll("via"));

        HttpHeaders kept = headers("via", "1.1 10.1.2.3", "via", "3 ferry");
        ForwardingPolicy.of(Mode.REPLACE, Style.FORWARDED).apply(kept, addr("192.0.2.1"), "https", "ferry");
        assertEquals(List.of("1.1 10.1.2.3", "3 ferry"), kept.getAll("via"));
    }

    @Test
    void refusesAStripEntryThatIsNoFieldName() {
        assertThrows(IllegalArgumentException.class,
                () -> ForwardingPolicy.of(Mode.REPLACE, Style.FORWARDED, List.of("bad name")));
    }
}
