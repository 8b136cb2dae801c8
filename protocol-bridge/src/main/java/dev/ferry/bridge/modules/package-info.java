/**
 * The built-in modules, hooks a configuration names under {@code hooks:} like a plugin's (their factories are
 * found the same way, by {@link java.util.ServiceLoader}): {@code rate-limit} (token buckets per address or
 * credential, 429 with Retry-After), {@code request-rules} (allow, deny or respond by method, path, field or client
 * network), {@code header-rewrite} (set, add, remove fields both ways), {@code redirect} and
 * {@code static-response}. Each judges paths normalized and refuses, when the file is read, a configuration whose
 * answers the relay would refuse to send.
 */
package dev.ferry.bridge.modules;
