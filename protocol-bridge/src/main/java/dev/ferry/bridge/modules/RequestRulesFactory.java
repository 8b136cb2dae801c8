package dev.ferry.bridge.modules;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.headers.PathPrefix;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.HookFactory;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.Cidr;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/**
 * {@code name: request-rules}: the first rule whose conditions all hold decides: {@code allow} lets the request
 * through (later rules are not tried), {@code deny} refuses it with 403 {@code http_request_denied}, {@code respond}
 * answers with the rule's status and body. A request no rule matches goes on. Paths are judged normalized.
 */
public final class RequestRulesFactory implements HookFactory<RequestRulesFactory.Config> {
    private static final Set<String> ACTIONS = Set.of("allow", "deny", "respond");

    /** @param rules {@code rules}: tried in order */
    public record Config(List<Rule> rules) {
    }

    /**
     * Conditions left out always hold.
     *
     * @param action      {@code action}, required: allow, deny or respond
     * @param methods     {@code methods}: one of these methods
     * @param pathPrefix  {@code path-prefix}: a path prefix, in whole segments
     * @param header      {@code header}: a field that must be present
     * @param headerValue {@code header-value}: with {@code header}, the value it must have (exactly)
     * @param networks    {@code networks}: the client's address in one of these CIDR ranges
     * @param status      {@code status}, default 200: for respond
     * @param body        {@code body}, default empty: for respond
     */
    public record Rule(String action, List<String> methods, String pathPrefix, String header, String headerValue,
                       List<String> networks, int status, String body) {
        public static Rule defaults() {
            return new Rule(null, List.of(), null, null, null, List.of(), 200, "");
        }
    }

    /** A rule ready to match: networks parsed once. */
    private record Compiled(Rule rule, List<Cidr> networks) {
        boolean matches(ExchangeContext ctx, RequestHead request, String path) {
            if (!rule.methods().isEmpty() && !rule.methods().contains(request.method())) {
                return false;
            }
            if (rule.pathPrefix() != null && !PathPrefix.covers(rule.pathPrefix(), path)) {
                return false;
            }
            if (rule.header() != null) {
                String value = request.headers().get(rule.header());
                if (value == null || rule.headerValue() != null && !rule.headerValue().equals(value)) {
                    return false;
                }
            }
            if (!networks.isEmpty()) {
                InetSocketAddress client = ctx.clientAddress();
                return client != null && client.getAddress() != null
                        && networks.stream().anyMatch(n -> n.contains(client.getAddress()));
            }
            return true;
        }
    }

    @Override
    public String name() {
        return "request-rules";
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
        List<Compiled> rules = config.rules().stream().map(RequestRulesFactory::compile).toList();
        return new ProxyHook() {
            @Override
            public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
                String path = request.path() == null ? "/" : request.normalizedPath();
                for (Compiled compiled : rules) {
                    if (compiled.matches(ctx, request, path)) {
                        return decide(compiled.rule());
                    }
                }
                return HookDecision.proceed();
            }
        };
    }

    private static HookDecision decide(Rule rule) {
        return switch (rule.action()) {
            case "allow" -> HookDecision.proceed();
            case "deny" -> throw new ProxyException(ProxyErrorType.HTTP_REQUEST_DENIED, ProxyException.Side.CLIENT,
                    true, "denied by request-rules");
            default -> Modules.answer(rule.status(), "text/plain; charset=utf-8", rule.body(), null);
        };
    }

    private static Compiled compile(Rule rule) {
        if (rule.action() == null || !ACTIONS.contains(rule.action())) {
            throw new IllegalArgumentException("rules.action: " + rule.action()
                    + " (expected: allow, deny or respond)");
        }
        if (rule.pathPrefix() != null) {
            Modules.checkPrefix("rules.path-prefix", rule.pathPrefix());
        }
        if (rule.header() != null) {
            Modules.checkFieldName("rules.header", rule.header());
        } else if (rule.headerValue() != null) {
            throw new IllegalArgumentException("rules.header-value: needs header");
        }
        if (rule.action().equals("respond") && (rule.status() < 200 || rule.status() > 599)) {
            throw new IllegalArgumentException("rules.status: " + rule.status() + " (expected: 200 to 599)");
        }
        try {
            return new Compiled(rule, rule.networks().stream().map(Cidr::parse).toList());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rules.networks: " + e.getMessage(), e);
        }
    }
}
