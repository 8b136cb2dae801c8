/**
 * The operators' endpoint: {@link dev.ferry.app.admin.AdminServer} serves metrics, health, readiness, the running
 * configuration ({@link dev.ferry.app.admin.ConfigView}, secrets left out) and connection counts over plain
 * HTTP/1.1, on loopback unless configured otherwise.
 */
package dev.ferry.app.admin;
