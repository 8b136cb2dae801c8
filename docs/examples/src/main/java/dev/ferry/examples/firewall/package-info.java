/**
 * An HTTP firewall as a plugin: {@link dev.ferry.examples.firewall.HttpFirewallFactory} ({@code http-firewall})
 * makes an {@code HttpFirewall} that refuses requests by path prefix, method, client network or User-Agent with
 * 403 {@code http_request_denied}, judging paths in the normalized form routes use.
 */
package dev.ferry.examples.firewall;
