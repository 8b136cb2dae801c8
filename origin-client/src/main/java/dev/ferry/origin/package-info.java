/**
 * Origins over HTTP/1.1 and HTTP/2: {@link dev.ferry.origin.HttpOriginConnector} is the entry point, keeping a
 * {@link dev.ferry.origin.Http1ConnectionPool} or an {@link dev.ferry.origin.Http2OriginConnection} per event loop
 * and endpoint. {@link dev.ferry.origin.OriginFailures} is the one place where connection and protocol errors get
 * their RFC 9209 type. This package knows nothing of QUIC ingress.
 */
package dev.ferry.origin;
