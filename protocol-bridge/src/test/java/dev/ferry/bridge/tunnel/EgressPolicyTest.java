package dev.ferry.bridge.tunnel;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EgressPolicyTest {
    private static final EgressPolicy DEFAULTS = EgressPolicy.defaults();

    static EgressDecision.Denied denied(EgressDecision d) {
        return assertInstanceOf(EgressDecision.Denied.class, d);
    }

    static EgressDecision check(EgressPolicy policy, String address, int port) {
        return policy.check(Cidr.parseAddress(address), port);
    }

    /** Every built-in IPv4 class: the address itself, and its IPv4-mapped, NAT64 and 6to4 forms. */
    @ParameterizedTest
    @CsvSource({
            "0.0.0.0,         unspecified,                  0.0.0.0/8",
            "0.1.2.3,         unspecified,                  0.0.0.0/8",
            "127.0.0.1,       loopback,                     127.0.0.0/8",
            "127.255.255.254, loopback,                     127.0.0.0/8",
            "10.0.0.1,        private,                      10.0.0.0/8",
            "172.16.0.1,      private,                      172.16.0.0/12",
            "172.31.255.255,  private,                      172.16.0.0/12",
            "192.168.1.1,     private,                      192.168.0.0/16",
            "100.64.0.1,      shared address space (CGNAT), 100.64.0.0/10",
            "100.100.100.200, shared address space (CGNAT), 100.64.0.0/10",
            "169.254.169.254, link-local,                   169.254.0.0/16",
            "169.254.0.1,     link-local,                   169.254.0.0/16",
            "192.0.0.8,       IETF protocol assignment,     192.0.0.0/24",
            "192.0.2.1,       documentation,                192.0.2.0/24",
            "198.51.100.7,    documentation,                198.51.100.0/24",
            "203.0.113.200,   documentation,                203.0.113.0/24",
            "192.88.99.1,     6to4 relay anycast,           192.88.99.0/24",
            "198.18.0.1,      benchmarking,                 198.18.0.0/15",
            "198.19.255.255,  benchmarking,                 198.18.0.0/15",
            "224.0.0.1,       multicast,                    224.0.0.0/4",
            "239.255.255.250, multicast,                    224.0.0.0/4",
            "255.255.255.255, broadcast,                    255.255.255.255/32",
            "240.0.0.1,       reserved,                     240.0.0.0/4"
    })
    void deniesIpv4ClassInEveryForm(String v4, String label, String cidr) {
        EgressDecision.Denied plain = denied(check(DEFAULTS, v4, 443));
        assertEquals(v4 + " is " + label + " (" + cidr + ')', plain.reason());
        assertEquals(label, plain.rule());
        assertSame(ProxyErrorType.DESTINATION_IP_PROHIBITED, plain.type());

        byte[] b = Cidr.parseAddress(v4).getAddress();
        String hex = Integer.toHexString(((b[0] & 0xff) << 8) | (b[1] & 0xff)) + ':'
                + Integer.toHexString(((b[2] & 0xff) << 8) | (b[3] & 0xff));
        for (String form : new String[] {"::ffff:" + v4, "64:ff9b::" + v4, "2002:" + hex + "::1"}) {
            EgressDecision.Denied d = denied(check(DEFAULTS, form, 443));
            assertEquals(label, d.rule(), form);
            assertTrue(d.reason().endsWith(" embeds " + v4 + ", which is " + label + " (" + cidr + ')'),
                    d.reason());
        }
    }

    @ParameterizedTest
    @CsvSource({
            "::,                     unspecified,                  ::/128",
            "::1,                    loopback,                     ::1/128",
            "::7f00:1,               IPv4-compatible (deprecated), ::/96",
            "::8.8.8.8,              IPv4-compatible (deprecated), ::/96",
            "fc00::1,                unique local,                 fc00::/7",
            "fd00:ec2::254,          unique local,                 fc00::/7",
            "fe80::1,                link-local,                   fe80::/10",
            "fec0::1,                site-local (deprecated),      fec0::/10",
            "ff02::1,                multicast,                    ff00::/8",
            "2001:db8::1,            documentation,                2001:db8::/32",
            "3fff:fff::1,            documentation,                3fff::/20",
            "100::1,                 discard-only,                 100::/64",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2, Teredo,         2001::/32",
            "2001:2::1,              benchmarking,                 2001:2::/48",
            "64:ff9b:1::a00:1,       local-use NAT64,              64:ff9b:1::/48",
            "64:ff9b:1:ffff::1,      local-use NAT64,              64:ff9b:1::/48"
    })
    void deniesIpv6Class(String v6, String label, String cidr) {
        EgressDecision.Denied d = denied(check(DEFAULTS, v6, 443));
        assertEquals(label, d.rule());
        assertEquals(Cidr.format(Cidr.parseAddress(v6).getAddress()) + " is " + label + " (" + cidr + ')',
                d.reason());
    }

    @Test
    void reasonsReadWell() {
        assertEquals("127.0.0.1 is loopback (127.0.0.0/8)", denied(check(DEFAULTS, "127.0.0.1", 80)).reason());
        assertEquals("::ffff:127.0.0.1 embeds 127.0.0.1, which is loopback (127.0.0.0/8)",
                denied(check(DEFAULTS, "::ffff:127.0.0.1", 80)).reason());
        assertEquals("64:ff9b::a9fe:a9fe embeds 169.254.169.254, which is link-local (169.254.0.0/16)",
                denied(check(DEFAULTS, "64:ff9b::169.254.169.254", 80)).reason());
    }

    @Test
    void jdkUnwrappedMappedAddressIsCheckedAsIpv4() throws Exception {
        InetAddress a = InetAddress.getByName("::ffff:10.0.0.1"); // a literal: no DNS
        assertEquals("10.0.0.1 is private (10.0.0.0/8)", denied(DEFAULTS.check(a, 443)).reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "198.20.0.1", "192.0.1.255",
            "223.255.255.255", "2606:4700::1111", "2001:4860:4860::8888", "::ffff:1.1.1.1", "64:ff9b::1.1.1.1",
            "2002:101:101::1", "2001:db9::1", "2001:1::1"})
    void allowsPublicAddresses(String address) {
        assertSame(EgressDecision.allowed(), check(DEFAULTS, address, 443));
        assertTrue(check(DEFAULTS, address, 443).isAllowed());
    }

    @Test
    void explicitAllowOverridesBuiltInClasses() {
        EgressPolicy p = EgressPolicy.builder().allow("127.0.0.0/8").build();
        assertTrue(check(p, "127.0.0.1", 8080).isAllowed());
        assertTrue(check(p, "::ffff:127.0.0.1", 8080).isAllowed());
        assertTrue(check(p, "64:ff9b::127.0.0.1", 8080).isAllowed());
        assertEquals("loopback", denied(check(p, "::1", 8080)).rule());
        assertEquals("private", denied(check(p, "10.0.0.1", 8080)).rule());
    }

    @Test
    void explicitDenyOverridesEverything() {
        EgressPolicy p = EgressPolicy.builder().deny("127.0.0.53/32").allow("127.0.0.0/8").deny("1.1.1.0/24")
                .build();
        assertTrue(check(p, "127.0.0.1", 8080).isAllowed());
        EgressDecision.Denied d = denied(check(p, "127.0.0.53", 8080));
        assertEquals("configured", d.rule());
        assertEquals("127.0.0.53 is denied by configuration (127.0.0.53/32)", d.reason());
        for (String a : new String[] {"1.1.1.1", "::ffff:1.1.1.1", "64:ff9b::1.1.1.1", "2002:101:101::1"}) {
            assertEquals("configured", denied(check(p, a, 443)).rule(), a);
        }
        assertTrue(check(p, "1.0.0.1", 443).isAllowed());
    }

    @Test
    void allowEverythingSwitchesClassesOff() {
        EgressPolicy p = EgressPolicy.builder().allow("0.0.0.0/0").allow("::/0").build();
        for (String a : new String[] {"127.0.0.1", "::1", "10.0.0.1", "fe80::1", "::ffff:10.0.0.1"}) {
            assertTrue(check(p, a, 443).isAllowed(), a);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {53, 80, 443, 853, 1024, 3478, 4500, 65535})
    void defaultPortsAllowed(int port) {
        assertTrue(check(DEFAULTS, "1.1.1.1", port).isAllowed());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 22, 23, 25, 123, 161, 389, 445, 465, 587, 1023})
    void otherWellKnownPortsDenied(int port) {
        EgressDecision.Denied d = denied(check(DEFAULTS, "2606:4700::1111", port));
        assertEquals("port", d.rule());
        assertSame(ProxyErrorType.DESTINATION_IP_PROHIBITED, d.type());
        assertEquals("port " + port + " is not allowed (allowed: 53,80,443,853,1024-65535)", d.reason());
    }

    @Test
    void addressDenialIsReportedBeforePort() {
        assertEquals("loopback", denied(check(DEFAULTS, "127.0.0.1", 25)).rule());
        EgressPolicy p = EgressPolicy.builder().allow("127.0.0.0/8").build();
        assertEquals("port", denied(check(p, "127.0.0.1", 25)).rule());
    }

    @Test
    void configuredPorts() {
        EgressPolicy any = EgressPolicy.builder().allowPorts("*").build();
        assertTrue(check(any, "1.1.1.1", 25).isAllowed());
        assertEquals("port", denied(check(any, "1.1.1.1", 0)).rule());
        assertEquals("1-65535", any.ports());
        EgressPolicy some = EgressPolicy.builder().allowPorts(" 443 , 8000-8010,80,81 ,82").build();
        assertEquals("80-82,443,8000-8010", some.ports());
        assertTrue(check(some, "1.1.1.1", 8005).isAllowed());
        assertEquals("port", denied(check(some, "1.1.1.1", 53)).rule());
        assertEquals(EgressPolicy.DEFAULT_PORTS, DEFAULTS.ports());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""        | ports '': '' is not a port number
            80,,443   | ports '80,,443': '' is not a port number
            0         | ports '0': port 0 (expected: 1..65535)
            65536     | ports '65536': port 65536 (expected: 1..65535)
            10-5      | ports '10-5': range 10-5 is empty
            http      | ports 'http': 'http' is not a port number
            80-       | ports '80-': '' is not a port number
            1-2-3     | ports '1-2-3': '2-3' is not a port number
            """)
    void rejectsBadPortSpec(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EgressPolicy.builder().allowPorts(spec));
        assertEquals(message, e.getMessage());
    }

    @Test
    void rejectsOutOfRangePortAndBadCidr() {
        assertThrows(IllegalArgumentException.class, () -> check(DEFAULTS, "1.1.1.1", -1));
        assertThrows(IllegalArgumentException.class, () -> check(DEFAULTS, "1.1.1.1", 65536));
        assertThrows(IllegalArgumentException.class, () -> EgressPolicy.builder().allow("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> EgressPolicy.builder().deny("example.com"));
    }

    @Test
    void denialBecomesForbiddenProxyException() {
        ProxyException e = denied(check(DEFAULTS, "10.0.0.1", 443)).toException();
        assertSame(ProxyErrorType.DESTINATION_IP_PROHIBITED, e.type());
        assertEquals(403, e.status());
        assertEquals(ProxyException.Side.CLIENT, e.side());
        assertEquals("10.0.0.1 is private (10.0.0.0/8)", e.getMessage());
    }

    @Test
    void describesItself() {
        EgressPolicy p = EgressPolicy.builder().allow("127.0.0.0/8").deny("::1").build();
        assertEquals("EgressPolicy(allow=[127.0.0.0/8], deny=[::1/128], ports=53,80,443,853,1024-65535)",
                p.toString());
    }
}
