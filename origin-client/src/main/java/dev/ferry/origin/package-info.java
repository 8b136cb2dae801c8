/**
 * Origins over HTTP/1.1, HTTP/2 and HTTP/3: {@link dev.ferry.origin.HttpOriginConnector} is the entry point,
 * keeping a {@link dev.ferry.origin.Http1ConnectionPool}, an {@link dev.ferry.origin.Http2OriginConnection} or an
 * {@link dev.ferry.origin.Http3OriginConnection} per event loop and endpoint. {@link dev.ferry.origin.OriginFailures}
 * is the one place where connection and protocol errors get their RFC 9209 type. Each loop's
 * {@link dev.ferry.origin.EndpointPicker} spreads requests by the origin's {@link dev.ferry.origin.LoadBalancing}
 * policy over the endpoints that passive ejection and the {@link dev.ferry.origin.ActiveHealthChecker} leave in the
 * rotation. This package knows nothing of the listeners.
 */
package dev.ferry.origin;
