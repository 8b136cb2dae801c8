package dev.ferry.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code hooks:} globally and per route: factories found on the class path, config maps bound to their records with
 * the file's own messages, built-ins placed by name.
 */
class HooksConfigTest {
    private static final String ORIGIN = "origins: {backend: {endpoints: ['127.0.0.1:8080']}}\n";

    private static FerryConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "test.yaml");
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).problems();
    }

    @Test
    void bindsAPluginsConfigWithDefaultsForWhatIsLeftOut() {
        FerryConfig config = parse(ORIGIN + """
                hooks:
                  - name: forwarding
                  - name: set-header
                    config: {field: x-team, times: 2, pause: 250ms, except: [/health]}
                """);
        assertEquals(2, config.hooks().size());
        assertEquals(new HookConfig.Builtin("forwarding"), config.hooks().get(0));
        HookConfig.Plugin plugin = assertInstanceOf(HookConfig.Plugin.class, config.hooks().get(1));
        assertEquals(new SetHeaderHookFactory.Config("x-team", "1", 2, Duration.ofMillis(250), List.of("/health")),
                plugin.config());
    }

    @Test
    void namesEveryHookItKnowsWhenANameIsUnknown() {
        assertEquals(List.of("hooks[0].name: firewall (expected: one of proxy-auth, forwarding, access-log,"
                + " header-rewrite, rate-limit, redirect, request-rules, set-header, static-response)"),
                problems(ORIGIN + "hooks: [{name: firewall}]\n"));
    }

    @Test
    void reportsBadConfigValuesByKeyPathAllInOneRun() {
        assertEquals(List.of(
                "hooks[0].config.colour: unknown key (expected one of: field, value, times, pause, except)",
                "hooks[0].config.times: many (expected: an integer)",
                "hooks[0].config.pause: soon (expected: " + DurationParser.EXPECTED + ")",
                "hooks[1].config: field is required"),
                problems(ORIGIN + """
                        hooks:
                          - name: set-header
                            config: {field: a, colour: red, times: many, pause: soon}
                          - name: set-header
                        """));
    }

    @Test
    void reportsWhatTheFactoryRefusesUnderTheHooksConfigKey() {
        List<String> problems = problems(ORIGIN + "hooks: [{name: set-header, config: {field: ' '}}]\n");
        assertEquals(List.of("hooks[0].config: field must not be blank"), problems);
    }

    @Test
    void refusesBuiltinsTwiceWithConfigOrWhereTheyCannotRun() {
        assertEquals(List.of("hooks[1].name: forwarding is listed twice; a built-in has one place in the chain",
                "hooks[2].config: the built-in access-log takes no config here; its settings are under access-log",
                "hooks[3].name: proxy-auth runs only when tunnels.auth is configured"),
                problems(ORIGIN + """
                        hooks:
                          - name: forwarding
                          - name: forwarding
                          - name: access-log
                            config: {path: x}
                          - name: proxy-auth
                        """));
    }

    @Test
    void aRouteTakesPluginHooksButNotBuiltins() {
        FerryConfig config = parse(ORIGIN + """
                routes:
                  - path-prefix: /api
                    origin: backend
                    hooks: [{name: set-header, config: {field: x-api}}]
                  - origin: backend
                """);
        assertEquals(1, config.routes().get(0).hooks().size());
        assertTrue(config.routes().get(1).hooks().isEmpty());
        assertTrue(problems(ORIGIN + "routes: [{origin: backend, hooks: [{name: forwarding}]}]\n").get(0)
                .startsWith("routes[0].hooks[0].name: forwarding (expected: one of header-rewrite,"));
    }

    @Test
    void aPluginPathMustBeADirectory() {
        assertEquals(List.of("plugin-path: /nonexistent/plugins (expected: a directory of plugin jars"
                + " (/nonexistent/plugins is not a directory))"), problems(ORIGIN + "plugin-path: /nonexistent/plugins\n"));
    }

    @Test
    void bindsTheBuiltInModulesNestedRulesAndReportsANestedKeyByItsPath() {
        FerryConfig config = parse(ORIGIN + """
                hooks:
                  - name: request-rules
                    config:
                      rules:
                        - {action: deny, path-prefix: /admin}
                        - {action: respond, path-prefix: /maintenance, status: 503, body: later}
                  - name: rate-limit
                    config: {rate: 50, burst: 100, key: credential}
                routes:
                  - path-prefix: /old
                    origin: backend
                    hooks: [{name: redirect, config: {rules: [{from: /old, to: /new}]}}]
                  - origin: backend
                """);
        assertEquals(2, config.hooks().size());
        assertEquals(1, config.routes().get(0).hooks().size());
        assertEquals(List.of("hooks[0].config.rules[1].stat: unknown key (expected one of: action, methods, "
                        + "path-prefix, header, header-value, networks, status, body)",
                "hooks[1].config: rate: -1.0 (expected: more than 0 per second)"),
                problems(ORIGIN + """
                        hooks:
                          - name: request-rules
                            config: {rules: [{action: deny}, {action: respond, stat: 503}]}
                          - name: rate-limit
                            config: {rate: -1}
                        """));
    }
}
