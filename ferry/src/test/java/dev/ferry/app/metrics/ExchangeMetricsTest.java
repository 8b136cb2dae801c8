package dev.ferry.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ExchangeOutcome;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ExchangeMetricsTest {

    private static ExchangeContext context(String origin, String protocol) {
        ExchangeContext ctx = new ExchangeContext(1, new InetSocketAddress("192.0.2.7", 5555), protocol, 0);
        ctx.originName(origin);
        return ctx;
    }

    private static RequestHead get(String path) {
        return RequestHead.builder().method("GET").scheme("https").authority("a.example").path(path).build();
    }

    @Test
    void countsByOriginProtocolAndStatusClassAndTimesEachExchange() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExchangeMetrics metrics = ExchangeMetrics.create(registry);
        for (int i = 0; i < 3; i++) {
            metrics.onComplete(context("app", "3"), new ExchangeOutcome(get("/secret/path?id=42"), 200, 0, 10,
                    2_000_000, 5_000_000, null, null));
        }
        metrics.onComplete(context("app", "2"), new ExchangeOutcome(get("/x"), 502, 0, 0, 1_000_000, 1_000_000,
                ProxyErrorType.CONNECTION_REFUSED, "refused"));

        assertEquals(3, registry.get(ExchangeMetrics.REQUESTS).tags("origin", "app", "protocol", "3", "status", "2xx")
                .counter().count());
        assertEquals(1, registry.get(ExchangeMetrics.REQUESTS).tags("status", "5xx").counter().count());
        assertEquals(4, registry.get(ExchangeMetrics.DURATION).tags("origin", "app").timer().count());
        assertEquals(1, registry.get(ExchangeMetrics.ERRORS).tags("error", "connection_refused").counter().count());
        String text = registry.scrape();
        assertTrue(text.contains("ferry_request_duration_seconds_bucket"), "a histogram Prometheus can sum");
        assertFalse(text.contains("/secret/path") || text.contains("192.0.2.7"), "no path and no address: " + text);
    }

    @Test
    void aTunnelIsLabelledByItsKindNeverByItsTarget() {
        RequestHead connectUdp = RequestHead.builder().method("CONNECT").protocol("connect-udp").scheme("https")
                .authority("relay.example").path("/.well-known/masque/udp/198.51.100.9/443/").build();
        ExchangeContext ctx = context("198.51.100.9:443", "3");
        assertEquals("connect-udp", ExchangeMetrics.originLabel(ctx, new ExchangeOutcome(connectUdp, 200, 0, 0, 0,
                0, null, null)));
        RequestHead probe = RequestHead.builder().method("CONNECT").protocol("probe-10.9.8.7-secret").scheme("https")
                .authority("relay.example").path("/x").build();
        assertEquals("connect-other", ExchangeMetrics.originLabel(ctx, new ExchangeOutcome(probe, 403, 0, 0, 0, 0,
                null, null)), "a client-chosen :protocol never becomes a label");
        RequestHead connect = RequestHead.builder().method("CONNECT").authority("198.51.100.9:443").build();
        assertEquals("connect", ExchangeMetrics.originLabel(ctx, new ExchangeOutcome(connect, 200, 0, 0, 0, 0, null,
                null)));
    }

    @Test
    void statusClasses() {
        assertEquals("2xx", ExchangeMetrics.statusClass(204));
        assertEquals("4xx", ExchangeMetrics.statusClass(431));
        assertEquals("none", ExchangeMetrics.statusClass(0));
    }
}
