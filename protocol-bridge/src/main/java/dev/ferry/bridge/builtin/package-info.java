/**
 * Built-in hooks: features written as {@link dev.ferry.bridge.hook.ProxyHook}s like any user's, each a final class
 * with a static factory. Start with {@link dev.ferry.bridge.builtin.ForwardingHook}.
 */
package dev.ferry.bridge.builtin;
