package dev.ferry.bridge.hook;

/**
 * Makes the hooks of one kind from their configuration. The relay finds factories with {@link java.util.ServiceLoader}
 * (a jar lists its factories in {@code META-INF/services/dev.ferry.bridge.hook.HookFactory}) on its plugin path, and
 * a configuration names them under {@code hooks:}, globally or per route:
 *
 * <pre>{@code
 * hooks:
 *   - name: firewall            # this factory's name()
 *     config:                   # bound to configType(); keys in kebab-case, one per record component
 *       deny-paths: [/admin]
 * }</pre>
 *
 * <p>The config map is bound to the record {@link #configType()} names: each component takes the key of its name in
 * kebab-case ({@code denyPaths} from {@code deny-paths}), and a key the record does not have is refused, so a typo
 * is an error rather than a silently ignored setting. Supported component types: {@code String}, {@code boolean},
 * {@code int}, {@code long}, {@code double} (and their boxes), {@link java.time.Duration} ({@code 250ms},
 * {@code 5s}), {@code List<String>}, {@code List<Integer>}, {@code List<Long>}, and records or lists of records
 * (nested maps, bound by the same rules). A key left out takes the value of the record's
 * {@code public static C defaults()} if it declares one; without it, every key is required.
 *
 * @param <C> the configuration record; {@link NoConfig} for a hook that takes none
 */
public interface HookFactory<C extends Record> {

    /** The name a configuration uses: letters, digits and {@code -}, unique on the plugin path. */
    String name();

    /** The record the {@code config:} map is bound to. */
    Class<C> configType();

    /**
     * A hook for one place in a chain (the global chain or one route's). Called once per place when the
     * configuration is read ({@code ferry check} included), so a hook may keep state (a rate limiter's buckets,
     * say). The hook serves every event loop at once: its state must be safe for concurrent use.
     *
     * @throws IllegalArgumentException when the values are individually valid but do not make sense together; the
     *                                  message is reported under the hook's {@code config} key
     */
    ProxyHook create(C config);

    /** The configuration of a hook that takes none: its {@code config:} must be absent or empty. */
    record NoConfig() {
        public static NoConfig defaults() {
            return new NoConfig();
        }
    }
}
