/**
 * The error model of the exchange path: one unchecked {@link dev.ferry.bridge.error.ProxyException} carrying an
 * RFC 9209 {@link dev.ferry.bridge.error.ProxyErrorType}, the side at fault and whether a retry is safe.
 * {@link dev.ferry.bridge.error.ErrorResponses} maps it to a status and a
 * {@link dev.ferry.bridge.error.ProxyStatusField Proxy-Status} field.
 */
package dev.ferry.bridge.error;
