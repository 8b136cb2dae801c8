package dev.ferry.bridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @Test
    void parsesIpLiteralsIntoResolvedAddresses() {
        assertEquals(new InetSocketAddress("127.0.0.1", 80), HostPort.parse("127.0.0.1:80", false).toSocketAddress());
        assertEquals(new InetSocketAddress("::1", 443), HostPort.parse("[::1]:443", false).toSocketAddress());
        assertEquals(0, HostPort.parse("0.0.0.0:0", true).toSocketAddress().getPort());
        assertTrue(HostPort.parse("[::1]:443", false).isIpLiteral());
    }

    @Test
    void leavesHostNamesUnresolvedAndInLowerCase() {
        HostPort parsed = HostPort.parse("Origin.Example:8080", false);
        assertFalse(parsed.isIpLiteral());
        InetSocketAddress a = parsed.toSocketAddress();
        assertTrue(a.isUnresolved());
        assertEquals("origin.example", a.getHostString());
        assertEquals("origin.example:8080", HostPort.format(a));
    }

    @Test
    void printsIpv6InBracketsTheWayItIsParsed() {
        assertEquals("[::1]:443", HostPort.parse("[::1]:443", false).toString());
        assertEquals("[::1]:443", HostPort.format(HostPort.parse("[::1]:443", false).toSocketAddress()));
        assertEquals("10.0.0.1:53", HostPort.parse(" 10.0.0.1:53 ", false).toString());
    }

    @ParameterizedTest
    @CsvSource({
            "localhost, no port",
            "host:, no port",
            ":80, no port",
            "host:65536, port out of range",
            "host:0, port out of range",
            "host:-1, bad port",
            "host:8o, bad port",
            "::1:80, IPv6 literal without brackets",
            "[::1:80, unbalanced brackets",
            "[1.2.3.4]:80, not an IPv6 literal",
            "300.1.1.1:80, not a host name",
            "bad_host!:80, not a host name",
            "a..b:80, not a host name"})
    void refusesMalformedValuesSayingWhy(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text, false));
        assertEquals(reason + " in " + text, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "API.Example.com:443, api.example.com",
            "api.example.com, api.example.com",
            "[::1]:8443, ::1",
            "[::1], ::1",
            "::1, ::1",
            "null, null"})
    void namesTheHostOfAnAuthority(String authority, String host) {
        assertEquals(host, HostPort.hostOf(authority));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "a-b.example", "_srv.example.com", "example.com."})
    void acceptsDnsNames(String name) {
        assertTrue(HostPort.isHostName(name));
    }
}
