package dev.ferry.bridge.tunnel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrTest {

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8,         10.0.0.0/8",
            "192.0.2.1,          192.0.2.1/32",
            "0.0.0.0/0,          0.0.0.0/0",
            "' 172.16.0.0/12 ',  172.16.0.0/12",
            "fc00::/7,           fc00::/7",
            "2001:DB8::1,        2001:db8::1/128",
            "::/0,               ::/0",
            "::,                 ::/128",
            "::1,                ::1/128",
            "::ffff:0:0/96,      ::ffff:0.0.0.0/96",
            "::ffff:127.0.0.1,   ::ffff:127.0.0.1/128",
            "64:ff9b::/96,       64:ff9b::/96",
            "64:ff9b::10.0.0.1,  64:ff9b::a00:1/128",
            "2001:0db8:0:0:1:0:0:1, 2001:db8::1:0:0:1/128",
            "1:0:0:2:0:0:0:3,    1:0:0:2::3/128",
            "1:0:2:3:4:5:6:7,    1:0:2:3:4:5:6:7/128",
            "fe80::/10,          fe80::/10",
            "3fff::/20,          3fff::/20"
    })
    void parsesAndPrintsCanonically(String text, String canonical) {
        assertEquals(canonical, Cidr.parse(text).toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            10.0.0.0/33      | 10.0.0.0/33: prefix length 33 (expected: 0..32)
            fc00::/129       | fc00::/129: prefix length 129 (expected: 0..128)
            10.0.0.0/        | 10.0.0.0/: prefix length '' is not a number
            10.0.0.0/-1      | 10.0.0.0/-1: prefix length '-1' is not a number
            10.0.0.0/8/8     | 10.0.0.0/8/8: prefix length '8/8' is not a number
            10.0.0.1/8       | 10.0.0.1/8: host bits set below the prefix (did you mean 10.0.0.0/8?)
            fc00::1/7        | fc00::1/7: host bits set below the prefix (did you mean fc00::/7?)
            localhost        | localhost: not an IPv4 or IPv6 address literal
            example.com/8    | example.com/8: not an IPv4 or IPv6 address literal
            256.0.0.0/8      | 256.0.0.0/8: not an IPv4 or IPv6 address literal
            10.1/16          | 10.1/16: not an IPv4 or IPv6 address literal
            010.0.0.0/8      | 010.0.0.0/8: not an IPv4 or IPv6 address literal
            1:2:3:4:5:6:7/64 | 1:2:3:4:5:6:7/64: not an IPv4 or IPv6 address literal
            1::2::3          | 1::2::3: not an IPv4 or IPv6 address literal
            fe80::1%eth0     | fe80::1%eth0: not an IPv4 or IPv6 address literal
            12345::          | 12345::: not an IPv4 or IPv6 address literal
            ::1.2.3.4:5      | ::1.2.3.4:5: not an IPv4 or IPv6 address literal
            ""               | : not an IPv4 or IPv6 address literal
            """)
    void rejectsWithClearMessage(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8,      10.255.255.255, true",
            "10.0.0.0/8,      11.0.0.0,       false",
            "172.16.0.0/12,   172.31.0.1,     true",
            "172.16.0.0/12,   172.32.0.1,     false",
            "0.0.0.0/0,       8.8.8.8,        true",
            "192.0.2.1,       192.0.2.1,      true",
            "192.0.2.1,       192.0.2.2,      false",
            "fc00::/7,        fdff::1,        true",
            "fc00::/7,        fe00::1,        false",
            "::/0,            2606:4700::1111, true",
            "::1,             ::1,            true",
            "fe80::/10,       febf::1,        true",
            "fe80::/10,       fec0::1,        false"
    })
    void containsWithinFamily(String cidr, String address, boolean expected) {
        assertEquals(expected, Cidr.parse(cidr).contains(Cidr.parseAddress(address)));
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.0/8,     ::ffff:127.0.0.1",
            "0.0.0.0/0,       ::1",
            "0.0.0.0/0,       64:ff9b::10.0.0.1",
            "::/0,            127.0.0.1",
            "::ffff:0:0/96,   127.0.0.1"
    })
    void familiesNeverMix(String cidr, String address) {
        assertFalse(Cidr.parse(cidr).contains(Cidr.parseAddress(address)));
    }

    @Test
    void parseAddressKeepsIpv6LiteralsIpv6() {
        assertInstanceOf(Inet6Address.class, Cidr.parseAddress("::ffff:127.0.0.1"));
        assertInstanceOf(Inet4Address.class, Cidr.parseAddress("127.0.0.1"));
        assertTrue(Cidr.parse("::ffff:0:0/96").contains(Cidr.parseAddress("::ffff:10.1.2.3")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "1.2.3", "::g", ".1.2.3.4", "::1%1", "١٢.0.0.1"})
    void parseAddressNeverResolves(String text) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parseAddress(text));
    }

    @Test
    void containsAcceptsJdkAddresses() throws Exception {
        assertTrue(Cidr.parse("127.0.0.0/8").contains(InetAddress.getByAddress(new byte[] {127, 0, 0, 1})));
        assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse(" 10.0.0.0/8"));
        assertEquals(Cidr.parse("10.0.0.0/8").hashCode(), Cidr.parse("10.0.0.0/8").hashCode());
    }
}
