package dev.ferry.bridge.modules;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Requests, contexts and answers for the module tests. */
final class ModuleRequests {
    private ModuleRequests() {
    }

    static ExchangeContext from(String address) {
        return new ExchangeContext(1, new InetSocketAddress(address, 40000), "3", System.nanoTime());
    }

    static RequestHead get(String path, String... fields) {
        RequestHead.Builder b = RequestHead.builder().method("GET").scheme("https").authority("app.test").path(path);
        for (int i = 0; i < fields.length; i += 2) {
            b.headers().add(fields[i], fields[i + 1]);
        }
        return b.build();
    }

    static HookDecision.Respond answered(HookDecision decision) {
        if (decision instanceof HookDecision.Respond respond) {
            return respond;
        }
        throw new AssertionError("expected a local answer, got " + decision);
    }

    static String body(HookDecision.Respond respond) {
        return new String(respond.body(), StandardCharsets.UTF_8);
    }
}
