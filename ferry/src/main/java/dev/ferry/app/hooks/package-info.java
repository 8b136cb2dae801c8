/**
 * Hooks that belong to the application rather than the protocol bridge: {@link dev.ferry.app.hooks.AccessLogHook}
 * writes one structured line per exchange.
 */
package dev.ferry.app.hooks;
