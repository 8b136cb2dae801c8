/**
 * The privacy relay mode: who may use the relay, where it may go, and what it must never reveal, written as
 * {@link dev.ferry.bridge.hook.ProxyHook}s, with {@link dev.ferry.bridge.hook.ProxyHook#selectTunnelTarget} for a
 * first hop's choice of next hop. Empty for now.
 */
package dev.ferry.privacy;
