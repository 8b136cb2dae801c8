package dev.ferry.app.hooks;

import dev.ferry.app.hooks.AccessLogFields.Field;
import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ExchangeOutcome;
import dev.ferry.bridge.tunnel.TunnelCounters;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessLogHookTest {

    @Test
    void writesOneJsonLineWithMillisecondDurationsAndTheErrorToken() {
        ExchangeContext ctx = new ExchangeContext(7, new InetSocketAddress("127.0.0.1", 4000), "3", 0);
        ctx.originName("backend");
        RequestHead request = RequestHead.builder().method("GET").scheme("https").authority("a.example")
                .path("/p\"q").build();
        String line = AccessLogHook.format(ctx, new ExchangeOutcome(request, 502, 10, 20, 1_234_567, 5_000,
                ProxyErrorType.CONNECTION_REFUSED, "refused"));
        assertTrue(line.contains("\"head_ms\":1.234,"), line);
        assertTrue(line.contains("\"total_ms\":0.005,"), line);
        assertTrue(line.contains("\"path\":\"/p\\\"q\""), line);
        assertTrue(line.contains("\"status\":502,\"bytes_in\":10,\"bytes_out\":20"), line);
        assertTrue(line.contains("\"origin\":\"backend\",\"error\":\"connection_refused\""), line);
        assertTrue(line.startsWith("{") && line.endsWith("}") && !line.contains("\n"), line);
    }

    @Test
    void writesEveryFieldInTheFixedOrderByDefault() {
        ExchangeContext ctx = tunnelContext();
        List<String> keys = keys(AccessLogHook.format(ctx, outcome()));
        assertEquals(Field.keys(), keys);
    }

    @Test
    void writesOnlyTheSelectedFieldsStillInTheFixedOrder() {
        ExchangeContext ctx = tunnelContext();
        // Given out of order: the line keeps its own order.
        AccessLogFields fields = AccessLogFields.of(List.of(Field.DATAGRAMS_IN, Field.STATUS, Field.TIME,
                Field.PATH));
        String line = AccessLogHook.format(ctx, outcome(), fields);
        assertEquals(List.of("time", "path", "status", "datagrams_in"), keys(line));
        assertTrue(line.contains("\"path\":\"/.well-known/masque/udp/t.example/443/\",\"status\":200,"
                + "\"datagrams_in\":1}"), line);
        assertFalse(line.contains("client") || line.contains("127.0.0.1"), line);
        assertFalse(line.contains(",,") || line.contains("{,") || line.contains(",}"), line);
    }

    @Test
    void aSingleFieldMakesAValidLine() {
        String line = AccessLogHook.format(tunnelContext(), outcome(), AccessLogFields.of(List.of(Field.ID)));
        assertEquals("{\"id\":9}", line);
    }

    @Test
    void theEgressDefaultLeavesOutOnlyTheClient() {
        ExchangeContext ctx = tunnelContext();
        String line = AccessLogHook.format(ctx, outcome(), AccessLogFields.all().without(Field.CLIENT));
        List<String> expected = new ArrayList<>(Field.keys());
        expected.remove("client");
        assertEquals(expected, keys(line));
        assertFalse(line.contains("127.0.0.1"), line);
    }

    @Test
    void tunnelCountersAppearOnlyForATunnelEvenWhenSelected() {
        ExchangeContext ctx = new ExchangeContext(3, new InetSocketAddress("127.0.0.1", 4000), "3", 0);
        String line = AccessLogHook.format(ctx, outcome(), AccessLogFields.of(List.of(Field.STATUS,
                Field.DATAGRAMS_DROPPED)));
        assertEquals("{\"status\":200}", line);
    }

    @Test
    void theHookWritesItsSelectionToTheSink() {
        List<String> lines = new ArrayList<>();
        AccessLogHook.create(lines::add, AccessLogFields.of(List.of(Field.METHOD, Field.STATUS)))
                .onComplete(tunnelContext(), outcome());
        assertEquals(List.of("{\"method\":\"CONNECT\",\"status\":200}"), lines);
    }

    @Test
    void namesFieldsByTheirJsonKeysAndKnowsWhichNameTheTarget() {
        assertEquals(Field.DATAGRAMS_DROPPED, Field.byKey("datagrams_dropped"));
        assertEquals(Field.BYTES_IN, Field.byKey("Bytes_In"));
        assertNull(Field.byKey("bytes-in"));
        assertNull(Field.byKey("datagrams"));
        assertTrue(AccessLogFields.all().linksClientToTarget());
        assertFalse(AccessLogFields.all().without(Field.CLIENT).linksClientToTarget());
        assertFalse(AccessLogFields.of(List.of(Field.CLIENT, Field.STATUS, Field.BYTES_OUT)).linksClientToTarget());
        for (Field target : AccessLogFields.TARGET) {
            assertTrue(AccessLogFields.of(List.of(Field.CLIENT, target)).linksClientToTarget(), target.key());
        }
        assertEquals(List.of(Field.PATH, Field.ORIGIN),
                AccessLogFields.of(List.of(Field.ORIGIN, Field.CLIENT, Field.PATH)).targetsIn());
    }

    private static ExchangeContext tunnelContext() {
        ExchangeContext ctx = new ExchangeContext(9, new InetSocketAddress("127.0.0.1", 4000), "3", 0);
        ctx.originName("t.example:443");
        TunnelCounters counters = new TunnelCounters();
        counters.toTarget(100, true);
        ctx.set(TunnelCounters.KEY, counters);
        return ctx;
    }

    private static ExchangeOutcome outcome() {
        RequestHead request = RequestHead.builder().method("CONNECT").scheme("https").authority("relay.example")
                .path("/.well-known/masque/udp/t.example/443/").build();
        return new ExchangeOutcome(request, 200, 0, 0, 1_000_000, 2_000_000, null, null);
    }

    /** The keys of a line's members, in order (values here hold no {@code ":}). */
    private static List<String> keys(String line) {
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("[{,]\"([a-z_]+)\":").matcher(line);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }
}
