package dev.ferry.bridge.tunnel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ConnectUdpTemplateTest {

    private static final String QUERY = "/masque?h={target_host}&p={target_port}";
    private static final String PORT_FIRST = "/udp/{target_port}/to/{target_host}";

    static Stream<Arguments> matches() {
        String d = ConnectUdpTemplate.DEFAULT_TEMPLATE;
        return Stream.of(
                arguments(d, "/.well-known/masque/udp/192.0.2.6/443/", "192.0.2.6", 443),
                arguments(d, "/.well-known/masque/udp/example.com/53/", "example.com", 53),
                arguments(d, "/.well-known/masque/udp/Example.COM/1/", "example.com", 1),
                arguments(d, "/.well-known/masque/udp/2001%3Adb8%3A%3A42/65535/", "2001:db8::42", 65535),
                arguments(d, "/.well-known/masque/udp/2001%3adb8%3a%3a42/443/", "2001:db8::42", 443),
                arguments(d, "/.well-known/masque/udp/2001:DB8::42/443/", "2001:db8::42", 443),
                arguments(d, "/.well-known/masque/udp/%3A%3A1/443/", "::1", 443),
                arguments(d, "/.well-known/masque/udp/%3A%3Affff%3A192.0.2.1/443/", "::ffff:192.0.2.1", 443),
                arguments(d, "/.well-known/masque/udp/1%3A2%3A3%3A4%3A5%3A6%3A7%3A8/443/", "1:2:3:4:5:6:7:8", 443),
                arguments(d, "/.well-known/masque/udp/%65xample.com/%34%34%33/", "example.com", 443),
                arguments(d, "/.well-known/masque/udp/xn--bcher-kva.example/443/", "xn--bcher-kva.example", 443),
                arguments(d, "/.well-known/masque/udp/a/0443/", "a", 443),
                arguments(QUERY, "/masque?h=192.0.2.6&p=443", "192.0.2.6", 443),
                arguments(QUERY, "/masque?h=%3A%3A1&p=8443", "::1", 8443),
                arguments(PORT_FIRST, "/udp/53/to/dns.example", "dns.example", 53));
    }

    @ParameterizedTest
    @MethodSource("matches")
    void matchesPathToTarget(String template, String path, String host, int port) {
        assertEquals(new ConnectUdpTarget(host, port), ConnectUdpTemplate.parse(template).match(path));
    }

    static Stream<Arguments> mismatches() {
        String d = ConnectUdpTemplate.DEFAULT_TEMPLATE;
        String p = "/.well-known/masque/udp/";
        String longName = ("a".repeat(63) + ".").repeat(4) + "com";
        return Stream.of(
                arguments(d, "/.well-known/masque/tcp/a/1/", "expected '/.well-known/masque/udp/' at offset 0"),
                arguments(d, p + "a/1", "no '/' after {target_port}"),
                arguments(d, p + "a/1/x", "unexpected 'x' at the end"),
                arguments(d, p + "a/1/?x=1", "unexpected '?x=1' at the end"),
                arguments(d, p + "/1/", "empty target_host"),
                arguments(d, p + "a//", "empty target_port"),
                arguments(d, p + "a/0/", "target_port 0 out of range"),
                arguments(d, p + "a/65536/", "target_port 65536 out of range"),
                arguments(d, p + "a/+443/", "invalid character '+' in target_port"),
                arguments(d, p + "a/-1/", "target_port '-1' is not a decimal number"),
                arguments(d, p + "a/%20443/", "target_port ' 443' is not a decimal number"),
                arguments(d, p + "a/%2B443/", "target_port '+443' is not a decimal number"),
                arguments(d, p + "a/123456/", "target_port '123456' is not a decimal number"),
                arguments(d, p + "a/4x3/", "target_port '4x3' is not a decimal number"),
                arguments(d, p + "a%2Fb/1/", "'/' in target_host after percent-decoding"),
                arguments(d, p + "a%00b/1/", "%00 in target_host"),
                arguments(d, p + "a%zz/1/", "bad percent-escape '%zz' in target_host"),
                arguments(d, p + "a%4/1/", "bad percent-escape '%4' in target_host"),
                arguments(d, p + "a%/1/", "bad percent-escape '%' in target_host"),
                arguments(d, p + "[::1]/1/", "invalid character '[' in target_host"),
                arguments(d, p + "%5B%3A%3A1%5D/1/", "is not a valid IPv6 address"),
                arguments(d, p + "fe80%3A%3A1%25eth0/1/", "zone identifiers are not supported"),
                arguments(d, p + "1%3A2%3A3/1/", "'1:2:3' is not a valid IPv6 address"),
                arguments(d, p + "1%3A%3A2%3A%3A3/1/", "is not a valid IPv6 address"),
                arguments(d, p + "%3A%3A1.2.3.256/1/", "is not a valid IPv6 address"),
                arguments(d, p + "192.0.2.256/1/", "'192.0.2.256' is not a valid dotted-quad IPv4 address"),
                arguments(d, p + "127.1/1/", "'127.1' is not a valid dotted-quad IPv4 address"),
                arguments(d, p + "010.0.0.1/1/", "is not a valid dotted-quad IPv4 address"),
                arguments(d, p + "a_b.example/1/", "invalid character '_' in a DNS name"),
                arguments(d, p + "-a.example/1/", "starts or ends with '-'"),
                arguments(d, p + "a..example/1/", "DNS label of 0 characters"),
                arguments(d, p + "example.com./1/", "DNS label of 0 characters"),
                arguments(d, p + "a".repeat(64) + "/1/", "DNS label of 64 characters"),
                arguments(d, p + longName + "/1/", "more than the 253 a DNS name may have"),
                arguments(d, p + "b%C3%BCcher.example/1/", "invalid character U+00FC in a DNS name"),
                arguments(QUERY, "/masque?h=a&p=1&x=2", "invalid character '&' in target_port"),
                arguments(QUERY, "/masque?p=1&h=a", "expected '/masque?h=' at offset 0"),
                arguments(QUERY, "/masque?h=a", "no '&' after {target_host}"));
    }

    @ParameterizedTest
    @MethodSource("mismatches")
    void refusesPathWithPreciseMessage(String template, String path, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConnectUdpTemplate.parse(template).match(path));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    static Stream<Arguments> badTemplates() {
        return Stream.of(
                arguments("", "must be a path starting with a single '/'"),
                arguments("https://proxy.example/{target_host}/{target_port}/", "must be a path"),
                arguments("//{target_host}/{target_port}/", "must be a path"),
                arguments("/udp/{target_host}/", "lacks {target_port}"),
                arguments("/udp/{target_port}/", "lacks {target_host}"),
                arguments("/udp/", "lacks {target_host}"),
                arguments("/{target_host}/{target_host}/{target_port}", "{target_host} appears more than once"),
                arguments("/{target_host}/{target_port}/{target_port}", "{target_port} appears more than once"),
                arguments("/{target_host}{target_port}", "not another variable"),
                arguments("/{target_host}.{target_port}", "not '.'"),
                arguments("/{target_host}:{target_port}", "not ':'"),
                arguments("/{target_host}/{target_port}x", "not 'x'"),
                arguments("/{+target_host}/{target_port}", "unsupported expression {+target_host}"),
                arguments("/udp{?target_host,target_port}", "unsupported expression {?target_host,target_port}"),
                arguments("/{host}/{target_port}", "unsupported expression {host}"),
                arguments("/{target_host/{target_port}", "unsupported expression {target_host/{target_port}"),
                arguments("/{target_host}/{target_port", "unclosed '{' at offset"),
                arguments("/}{target_host}/{target_port}", "character '}' not allowed at offset 1"),
                arguments("/a b/{target_host}/{target_port}", "character U+0020 not allowed"),
                arguments("/{target_host}/{target_port}#f", "character '#' not allowed"));
    }

    @ParameterizedTest
    @MethodSource("badTemplates")
    void refusesBadTemplate(String template, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConnectUdpTemplate.parse(template));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    static Stream<Arguments> expansions() {
        String d = ConnectUdpTemplate.DEFAULT_TEMPLATE;
        return Stream.of(
                arguments(d, "192.0.2.6", 443, "/.well-known/masque/udp/192.0.2.6/443/"),
                arguments(d, "2001:db8::42", 443, "/.well-known/masque/udp/2001%3Adb8%3A%3A42/443/"),
                arguments(d, "[2001:db8::42]", 443, "/.well-known/masque/udp/2001%3Adb8%3A%3A42/443/"),
                arguments(d, "::ffff:192.0.2.1", 53, "/.well-known/masque/udp/%3A%3Affff%3A192.0.2.1/53/"),
                arguments(d, "Example.com", 1, "/.well-known/masque/udp/example.com/1/"),
                arguments(QUERY, "::1", 65535, "/masque?h=%3A%3A1&p=65535"),
                arguments(PORT_FIRST, "dns.example", 53, "/udp/53/to/dns.example"));
    }

    @ParameterizedTest
    @MethodSource("expansions")
    void expandsAndMatchesBack(String template, String host, int port, String path) {
        ConnectUdpTemplate t = ConnectUdpTemplate.parse(template);
        assertEquals(path, t.expand(host, port));
        ConnectUdpTarget target = t.match(path);
        assertEquals(port, target.port());
        assertEquals(host.replace("[", "").replace("]", "").toLowerCase(java.util.Locale.ROOT), target.host());
    }

    @Test
    void expandRefusesInvalidTargets() {
        ConnectUdpTemplate t = ConnectUdpTemplate.DEFAULT;
        assertThrows(IllegalArgumentException.class, () -> t.expand("a/b", 1));
        assertThrows(IllegalArgumentException.class, () -> t.expand("example.com", 0));
        assertThrows(IllegalArgumentException.class, () -> t.expand("example.com", 65536));
        assertThrows(IllegalArgumentException.class, () -> t.expand("fe80::1%eth0", 1));
        assertThrows(IllegalArgumentException.class, () -> t.expand("", 1));
    }

    @Test
    void targetGivesAuthorityWithBracketsForIpv6() {
        assertEquals("[2001:db8::42]:443", new ConnectUdpTarget("2001:db8::42", 443).authority());
        assertEquals("192.0.2.6:53", new ConnectUdpTarget("192.0.2.6", 53).authority());
        assertTrue(new ConnectUdpTarget("192.0.2.6", 53).isIpLiteral());
    }

    @Test
    void defaultTemplateIsTheWellKnownLocation() {
        assertEquals("/.well-known/masque/udp/{target_host}/{target_port}/", ConnectUdpTemplate.DEFAULT.template());
        assertEquals(ConnectUdpTemplate.DEFAULT, ConnectUdpTemplate.parse(ConnectUdpTemplate.DEFAULT_TEMPLATE));
    }
}
