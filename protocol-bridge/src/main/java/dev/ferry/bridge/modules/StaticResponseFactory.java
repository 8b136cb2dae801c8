package dev.ferry.bridge.modules;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.HookFactory;
import dev.ferry.bridge.hook.ProxyHook;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * {@code name: static-response}: answers every request it sees with a fixed response, the origin never contacted.
 * Meant for a route ({@code /healthz}, a maintenance page, {@code robots.txt}).
 */
public final class StaticResponseFactory implements HookFactory<StaticResponseFactory.Config> {

    /**
     * @param status      {@code status}, default 200: 200 to 599
     * @param body        {@code body}, default empty
     * @param contentType {@code content-type}, default {@code text/plain; charset=utf-8}
     * @param headers     {@code headers}, default none: more fields, each {@code {name: ..., value: ...}}
     */
    public record Config(int status, String body, String contentType, List<Field> headers) {
        public static Config defaults() {
            return new Config(200, "", "text/plain; charset=utf-8", List.of());
        }
    }

    /** One response field. */
    public record Field(String name, String value) {
    }

    @Override
    public String name() {
        return "static-response";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public ProxyHook create(Config config) {
        if (config.status() < 200 || config.status() > 599) {
            throw new IllegalArgumentException("status: " + config.status() + " (expected: 200 to 599)");
        }
        HttpHeaders extra = new DefaultHttpHeaders(false);
        for (Field f : config.headers()) {
            Modules.checkFieldName("headers", f.name());
            Modules.checkNotManaged("headers", f.name());
            Modules.checkFieldValue("headers." + f.name(), f.value());
            extra.add(f.name(), f.value());
        }
        Modules.checkFieldValue("content-type", config.contentType());
        Modules.checkResponse("headers", config.status(), extra);
        return new ProxyHook() {
            @Override
            public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
                return Modules.answer(config.status(), config.contentType(), config.body(), extra);
            }
        };
    }
}
