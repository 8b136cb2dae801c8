/**
 * Built-in hooks: features written as {@link dev.ferry.bridge.hook.ProxyHook}s like any user's, each a final class
 * with a static factory. Start with {@link dev.ferry.bridge.builtin.ForwardingHook}. Proxy authentication is
 * {@link dev.ferry.bridge.builtin.ProxyAuthHook}; the credential schemes it takes are
 * {@link dev.ferry.bridge.builtin.ProxyCredentialScheme}s, bearer tokens built in.
 */
package dev.ferry.bridge.builtin;
