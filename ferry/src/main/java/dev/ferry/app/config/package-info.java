/**
 * Ferry's configuration: one YAML file read into immutable records, the same records code can build directly.
 * Start at {@link dev.ferry.app.config.ConfigLoader} ({@code load(Path)}, {@code parse(String, String)}), which
 * returns a {@link dev.ferry.app.config.FerryConfig} or throws a {@link dev.ferry.app.config.ConfigException}
 * naming every problem by key path. The records follow Envoy's nouns: {@link dev.ferry.app.config.ListenerConfig}
 * (with {@link dev.ferry.app.config.TlsFilesConfig} and {@link dev.ferry.app.config.QuicConfig}),
 * {@link dev.ferry.app.config.RouteConfig}, {@link dev.ferry.app.config.OriginConfig} (with
 * {@link dev.ferry.app.config.OriginTlsConfig}, {@link dev.ferry.app.config.TimeoutsConfig} and
 * {@link dev.ferry.app.config.PoolConfig}), {@link dev.ferry.app.config.HeadersConfig} and
 * {@link dev.ferry.app.config.AccessLogConfig}; each documents its keys and defaults, and docs/configuration.md has
 * the same as tables. Values are parsed by {@link dev.ferry.app.config.DurationParser},
 * {@link dev.ferry.app.config.SizeParser} and {@link dev.ferry.bridge.net.HostPort}, which never uses DNS.
 */
package dev.ferry.app.config;
