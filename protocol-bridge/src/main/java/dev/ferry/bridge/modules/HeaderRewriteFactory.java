package dev.ferry.bridge.modules;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.exchange.ResponseHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookFactory;
import dev.ferry.bridge.hook.ProxyHook;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Set;

/**
 * {@code name: header-rewrite}: sets, adds or removes fields on the request to the origin and on the response to
 * the client (the origin's, a local answer or an error), in the order listed. Fields the relay manages itself
 * (connection-specific ones, framing) cannot be named: the relay would refuse the message.
 */
public final class HeaderRewriteFactory implements HookFactory<HeaderRewriteFactory.Config> {
    private static final Set<String> ACTIONS = Set.of("set", "add", "remove");

    /**
     * @param request  {@code request}, default none: edits of the request to the origin
     * @param response {@code response}, default none: edits of the response to the client
     */
    public record Config(List<Edit> request, List<Edit> response) {
        public static Config defaults() {
            return new Config(List.of(), List.of());
        }
    }

    /**
     * @param action {@code action}, required: {@code set} (replace every value), {@code add} or {@code remove}
     * @param name   {@code name}, required: the field
     * @param value  {@code value}: required for set and add
     */
    public record Edit(String action, String name, String value) {
        public static Edit defaults() {
            return new Edit(null, null, null);
        }
    }

    @Override
    public String name() {
        return "header-rewrite";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public ProxyHook create(Config config) {
        check("request", config.request());
        check("response", config.response());
        List<Edit> request = List.copyOf(config.request());
        List<Edit> response = List.copyOf(config.response());
        return new ProxyHook() {
            @Override
            public void onOriginRequest(ExchangeContext ctx, RequestHead.Builder originRequest) {
                apply(request, originRequest.headers());
            }

            @Override
            public void onResponse(ExchangeContext ctx, ResponseHead.Builder clientResponse) {
                apply(response, clientResponse.headers());
            }
        };
    }

    private static void check(String key, List<Edit> edits) {
        for (Edit edit : edits) {
            if (edit.action() == null || !ACTIONS.contains(edit.action())) {
                throw new IllegalArgumentException(key + ".action: " + edit.action()
                        + " (expected: set, add or remove)");
            }
            Modules.checkFieldName(key + ".name", edit.name());
            Modules.checkNotManaged(key + ".name", edit.name());
            if (!edit.action().equals("remove")) {
                Modules.checkFieldValue(key + ".value", edit.value());
            } else if (edit.value() != null) {
                throw new IllegalArgumentException(key + ".value: remove takes no value");
            }
        }
    }

    private static void apply(List<Edit> edits, HttpHeaders headers) {
        for (Edit edit : edits) {
            switch (edit.action()) {
                case "set" -> headers.set(edit.name(), edit.value());
                case "add" -> headers.add(edit.name(), edit.value());
                default -> headers.remove(edit.name());
            }
        }
    }
}
