/**
 * The privacy relay mode: who may use the relay, where it may go, and what it must never reveal, written as
 * {@link dev.ferry.bridge.hook.ProxyHook}s and origin selectors. Empty until CONNECT-UDP tunnels exist.
 */
package dev.ferry.privacy;
