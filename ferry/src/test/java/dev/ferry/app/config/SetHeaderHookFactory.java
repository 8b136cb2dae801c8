package dev.ferry.app.config;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookFactory;
import dev.ferry.bridge.hook.ProxyHook;
import java.time.Duration;
import java.util.List;

/** A hook factory on the test class path (see META-INF/services): sets one request header. */
public final class SetHeaderHookFactory implements HookFactory<SetHeaderHookFactory.Config> {

    /**
     * @param field  the field to set, required
     * @param value  its value, default "1"
     * @param times  how often to append it, default 1
     * @param pause  unused, there to bind a Duration
     * @param except paths left alone, default none
     */
    public record Config(String field, String value, int times, Duration pause, List<String> except) {
        public Config {
            if (field != null && field.isBlank()) {
                throw new IllegalArgumentException("field must not be blank");
            }
        }

        public static Config defaults() {
            return new Config(null, "1", 1, Duration.ofMillis(5), List.of());
        }
    }

    @Override
    public String name() {
        return "set-header";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public ProxyHook create(Config config) {
        if (config.field() == null) {
            throw new IllegalArgumentException("field is required");
        }
        return new ProxyHook() {
            @Override
            public void onOriginRequest(ExchangeContext ctx, RequestHead.Builder request) {
                if (!config.except().contains(request.path())) {
                    for (int i = 0; i < config.times(); i++) {
                        request.headers().add(config.field(), config.value());
                    }
                }
            }
        };
    }
}
