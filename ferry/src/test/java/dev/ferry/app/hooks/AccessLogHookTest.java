package dev.ferry.app.hooks;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ExchangeOutcome;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

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
}
