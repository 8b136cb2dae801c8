package dev.ferry.app.config;

import dev.ferry.bridge.hook.HookFactory;
import dev.ferry.bridge.hook.ProxyHook;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a {@code hooks:} list, the global one or a route's: each entry names a built-in (global list only) or a
 * factory of the {@link HookCatalog}, and a factory's {@code config:} map is bound to its record by
 * {@link RecordBinder} and handed to the factory at once, so that every problem is reported with its key path.
 */
final class HooksReader {
    private static final String ENTRY = "a map with keys name, config";

    private HooksReader() {
    }

    /**
     * @param global         the top-level list (built-ins may be placed) rather than a route's
     * @param authConfigured whether {@code tunnels.auth} makes the {@code proxy-auth} built-in exist
     */
    static List<HookConfig> read(ConfigNode node, HookCatalog catalog, boolean global, boolean authConfigured) {
        List<HookConfig> out = new ArrayList<>();
        Set<String> builtinsSeen = new HashSet<>();
        List<String> names = global ? catalog.names()
                : catalog.names().stream().filter(n -> !HookConfig.BUILTINS.contains(n)).toList();
        String nameExpected = names.isEmpty() ? "the name of a hook factory on the plugin path, but none was found"
                : "one of " + String.join(", ", names);
        for (ConfigNode item : node.elements("a list of hooks (" + ENTRY + ")")) {
            if (!item.isMap(ENTRY)) {
                continue;
            }
            item.allowKeys("name", "config");
            ConfigNode nameNode = item.child("name");
            String name = nameNode.string(null, nameExpected, names::contains);
            if (!nameNode.present()) {
                nameNode.missing(nameExpected);
            }
            if (name == null) {
                continue;
            }
            if (HookConfig.BUILTINS.contains(name)) {
                builtin(item, name, builtinsSeen, authConfigured).ifPresent(out::add);
            } else {
                plugin(item, name, catalog.factory(name)).ifPresent(out::add);
            }
        }
        return out;
    }

    private static Optional<HookConfig> builtin(ConfigNode item, String name, Set<String> seen,
                                                          boolean authConfigured) {
        if (item.child("config").present()) {
            item.child("config").report("the built-in " + name + " takes no config here; its settings are under "
                    + settingsOf(name));
            return Optional.empty();
        }
        if (!seen.add(name)) {
            item.child("name").report(name + " is listed twice; a built-in has one place in the chain");
            return Optional.empty();
        }
        if (name.equals(HookConfig.PROXY_AUTH) && !authConfigured) {
            item.child("name").report("proxy-auth runs only when tunnels.auth is configured");
            return Optional.empty();
        }
        return Optional.of(new HookConfig.Builtin(name));
    }

    private static String settingsOf(String builtin) {
        return switch (builtin) {
            case HookConfig.PROXY_AUTH -> "tunnels.auth";
            case HookConfig.FORWARDING -> "headers";
            default -> "access-log";
        };
    }

    private static Optional<HookConfig> plugin(ConfigNode item, String name, HookFactory<?> factory) {
        ConfigNode configNode = item.child("config");
        Record config;
        try {
            config = RecordBinder.bind(configNode, factory.configType());
        } catch (IllegalArgumentException e) {
            item.report("hook factory " + factory.getClass().getName() + " declares a config it cannot take: "
                    + e.getMessage());
            return Optional.empty();
        }
        if (config == null) {
            return Optional.empty();
        }
        ProxyHook hook;
        try {
            hook = create(factory, config);
        } catch (IllegalArgumentException e) {
            configNode.report(String.valueOf(e.getMessage()));
            return Optional.empty();
        } catch (RuntimeException e) {
            item.report("hook factory " + factory.getClass().getName() + " failed: " + e);
            return Optional.empty();
        }
        if (hook == null) {
            item.report("hook factory " + factory.getClass().getName() + " made no hook");
            return Optional.empty();
        }
        return Optional.of(new HookConfig.Plugin(name, config, hook));
    }

    @SuppressWarnings("unchecked")
    private static <C extends Record> ProxyHook create(HookFactory<C> factory, Record config) {
        return factory.create((C) config);
    }
}
