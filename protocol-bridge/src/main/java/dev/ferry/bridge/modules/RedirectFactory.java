package dev.ferry.bridge.modules;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.headers.PathPrefix;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.HookFactory;
import dev.ferry.bridge.hook.ProxyHook;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Set;

/**
 * {@code name: redirect}: answers requests under a path prefix with a redirect, the origin never contacted. The
 * first rule whose {@code from} covers the normalized path wins; the rest of the path and the query follow the
 * target unless {@code keep-path} is false.
 */
public final class RedirectFactory implements HookFactory<RedirectFactory.Config> {
    private static final Set<Integer> STATUSES = Set.of(301, 302, 303, 307, 308);

    /** @param rules {@code rules}: tried in order */
    public record Config(List<Rule> rules) {
    }

    /**
     * @param from     {@code from}, required: a path prefix (whole segments)
     * @param to       {@code to}, required: where to: a path ({@code /new}) or an absolute URL
     * @param status   {@code status}, default 308: 301, 302, 303, 307 or 308
     * @param keepPath {@code keep-path}, default true: append what follows {@code from}, and the query
     */
    public record Rule(String from, String to, int status, boolean keepPath) {
        public static Rule defaults() {
            return new Rule(null, null, 308, true);
        }
    }

    @Override
    public String name() {
        return "redirect";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public ProxyHook create(Config config) {
        if (config.rules().isEmpty()) {
            throw new IllegalArgumentException("rules: at least one rule is needed");
        }
        for (Rule rule : config.rules()) {
            Modules.checkPrefix("rules.from", rule.from());
            Modules.checkFieldValue("rules.to", rule.to());
            if (rule.to().isEmpty()) {
                throw new IllegalArgumentException("rules.to: empty");
            }
            if (!STATUSES.contains(rule.status())) {
                throw new IllegalArgumentException("rules.status: " + rule.status()
                        + " (expected: 301, 302, 303, 307 or 308)");
            }
        }
        List<Rule> rules = List.copyOf(config.rules());
        return new ProxyHook() {
            @Override
            public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
                String path = request.path() == null ? "/" : request.normalizedPath();
                for (Rule rule : rules) {
                    if (PathPrefix.covers(rule.from(), path)) {
                        return redirect(rule, path, request.path());
                    }
                }
                return HookDecision.proceed();
            }
        };
    }

    private static HookDecision redirect(Rule rule, String normalizedPath, String rawPath) {
        String location = rule.to();
        if (rule.keepPath()) {
            int query = rawPath == null ? -1 : rawPath.indexOf('?');
            String rest = normalizedPath.substring(rule.from().length());
            int restQuery = rest.indexOf('?');
            if (restQuery >= 0) {
                rest = rest.substring(0, restQuery);
            }
            if (location.endsWith("/") && rest.startsWith("/")) {
                rest = rest.substring(1);
            }
            location = location + rest + (query >= 0 ? rawPath.substring(query) : "");
        }
        HttpHeaders extra = new DefaultHttpHeaders(false);
        extra.set("location", location);
        return Modules.answer(rule.status(), "text/plain; charset=utf-8", "", extra);
    }
}
