/**
 * Extension points: {@link dev.ferry.bridge.hook.ProxyHook} with no-op phases, the sealed
 * {@link dev.ferry.bridge.hook.HookDecision} of its request phase, the per-exchange
 * {@link dev.ferry.bridge.hook.ExchangeContext} and the {@link dev.ferry.bridge.hook.ExchangeOutcome} reported once
 * at the end. Built-in hooks live in {@code dev.ferry.bridge.builtin}.
 */
package dev.ferry.bridge.hook;
