package dev.ferry.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.exchange.ResponseHead;
import dev.ferry.bridge.headers.GeohashHint;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.tunnel.Cidr;
import dev.ferry.bridge.tunnel.TunnelTarget;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Geohash hints, pool choice, the egress hook's source addresses, and the RFC 8805 geofeed. */
class GeoEgressTest {
    private static final EgressPool BERLIN = new EgressPool("u33", List.of(ip("192.0.2.10"), ip("2001:db8::10")),
            "DE", "DE-BE", "Berlin");
    private static final EgressPool EUROPE = new EgressPool("u", List.of(ip("192.0.2.20")), "DE", "", "");
    private static final EgressPool DEFAULT = new EgressPool(null, List.of(ip("198.51.100.1")), "US", "", "");
    private static final List<EgressPool> POOLS = List.of(EUROPE, BERLIN, DEFAULT);
    private static final TunnelTarget TARGET = new TunnelTarget(TunnelTarget.Kind.UDP, "origin.test", 443);

    private static InetAddress ip(String literal) {
        return Cidr.parseAddress(literal);
    }

    private static RequestHead connectUdp(String... hints) {
        RequestHead.Builder b = RequestHead.builder().method("CONNECT").protocol("connect-udp").scheme("https")
                .authority("egress.test").path("/.well-known/masque/udp/origin.test/443/");
        for (String hint : hints) {
            b.headers().add("sec-ch-geohash", hint);
        }
        return b.build();
    }

    private static ExchangeContext ctx() {
        return new ExchangeContext(1, new InetSocketAddress("10.1.0.1", 1), "3", System.nanoTime());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"u33dc0\"", "\"9\"", " \"u4pruydqqvjx\" "})
    void readsWellFormedHints(String value) {
        assertEquals(value.trim().replace("\"", ""), GeohashHint.parse(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"u33dc0", "\"\"", "\"u4pruydqqvjxx\"", "\"u33a\"", "\"U33\"", "\"u33\";x=1", "\"u 3\""})
    void refusesMalformedHints(String value) {
        assertNull(GeohashHint.parse(value));
    }

    @Test
    void theLongestMatchingPrefixWinsAndTheDefaultTakesTheRest() {
        assertEquals(BERLIN, EgressPool.select(POOLS, "u33dc0"));
        assertEquals(EUROPE, EgressPool.select(POOLS, "u0"));
        assertEquals(DEFAULT, EgressPool.select(POOLS, "9q8"));
        assertEquals(DEFAULT, EgressPool.select(POOLS, null));
        assertNull(EgressPool.select(List.of(BERLIN), "9q8"), "no default pool: the system's address");
    }

    @Test
    void theHookSendsTheTunnelFromThePoolAndDropsTheHint() {
        GeoEgress hook = new GeoEgress(POOLS, "ferry");
        ExchangeContext ctx = ctx();
        hook.onRequest(ctx, connectUdp("\"u33dc0\""));
        TunnelTarget chosen = hook.selectTunnelTarget(ctx, TARGET);
        assertEquals(BERLIN.addresses(), chosen.sources());
        assertEquals(ip("2001:db8::10"), chosen.sourceFor(ip("2001:db8::99")));
        assertEquals(ip("192.0.2.10"), chosen.sourceFor(ip("203.0.113.5")));
        RequestHead.Builder forwarded = connectUdp("\"u33dc0\"").toBuilder();
        hook.onOriginRequest(ctx, forwarded);
        assertTrue(!forwarded.headers().contains("sec-ch-geohash"), "the hint goes no further");
    }

    @Test
    void aMalformedHintTakesTheDefaultPoolAndTheAnswerSaysSo() {
        GeoEgress hook = new GeoEgress(POOLS, "ferry");
        ExchangeContext ctx = ctx();
        hook.onRequest(ctx, connectUdp("\"u33a!\""));
        assertEquals(DEFAULT.addresses(), hook.selectTunnelTarget(ctx, TARGET).sources());
        ResponseHead.Builder answer = ResponseHead.builder(200);
        hook.onResponse(ctx, answer);
        assertEquals("ferry; details=\"invalid geohash\"", answer.headers().get("proxy-status"));

        ExchangeContext two = ctx();
        hook.onRequest(two, connectUdp("\"u33\"", "\"9q\""));
        assertEquals(DEFAULT.addresses(), hook.selectTunnelTarget(two, TARGET).sources(), "two hints: none valid");
    }

    @Test
    void theGeofeedHasALinePerAddressInRfc8805Form() {
        String feed = Geofeed.of(List.of(BERLIN, DEFAULT));
        List<String> lines = feed.lines().filter(l -> !l.startsWith("#")).toList();
        assertEquals(List.of("192.0.2.10/32,DE,DE-BE,Berlin,", "2001:db8::10/128,DE,DE-BE,Berlin,",
                "198.51.100.1/32,US,,,"), lines);
        // The shape of RFC 8805 section 2.1.1's own example lines, which a geofeed consumer parses:
        Pattern entry = Pattern.compile("^[0-9a-fA-F:.]+/\\d{1,3},([A-Z]{2})?,([A-Z]{2}-[A-Z0-9]{1,3})?,[^,\"]*,[^,]*$");
        for (String example : List.of("192.0.2.0/25,US,US-AL,,", "192.0.2.5,US,US-AL,Alabaster,",
                "192.0.2.128/25,PL,PL-MZ,,02-784", "2001:db8::/32,PL,,,", "2001:db8:cafe::/48,PL,PL-MZ,,02-784")) {
            if (example.contains("/")) {
                assertTrue(entry.matcher(example).matches(), example);
            }
        }
        lines.forEach(line -> assertTrue(entry.matcher(line).matches(), line));
    }

    @Test
    void aPoolNeedsAnAddressAndAWellFormedPrefix() {
        assertThrows(IllegalArgumentException.class, () -> new EgressPool("u3", List.of(), "", "", ""));
        assertThrows(IllegalArgumentException.class,
                () -> new EgressPool("u3a", List.of(ip("192.0.2.1")), "", "", ""));
    }
}
