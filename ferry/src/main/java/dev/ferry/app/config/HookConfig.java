package dev.ferry.app.config;

import dev.ferry.bridge.hook.ProxyHook;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a {@code hooks:} list: a built-in hook named to place it, or a hook made by a factory from the plugin
 * path with its bound configuration.
 */
public sealed interface HookConfig {
    /** The built-in that authenticates clients (present when {@code tunnels.auth} is configured). */
    String PROXY_AUTH = "proxy-auth";
    /** The built-in that writes Forwarded/X-Forwarded-For and strips client identity fields ({@code headers}). */
    String FORWARDING = "forwarding";
    /** The built-in access log ({@code access-log}). */
    String ACCESS_LOG = "access-log";
    /** The built-ins, in their default order. */
    List<String> BUILTINS = List.of(PROXY_AUTH, FORWARDING, ACCESS_LOG);

    String name();

    /** A built-in placed in the chain by name; its settings stay in their own section of the file. */
    record Builtin(String name) implements HookConfig {
        public Builtin {
            if (!BUILTINS.contains(name)) {
                throw new IllegalArgumentException("not a built-in hook: " + name);
            }
        }
    }

    /**
     * A hook made by a factory of the plugin path from {@code config} (a record of the factory's config type) when
     * the configuration was read, so that {@code ferry check} reports what the factory refuses.
     */
    record Plugin(String name, Record config, ProxyHook hook) implements HookConfig {
        public Plugin {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(hook, "hook");
        }
    }
}
