/**
 * A small built-in origin server: the thing behind the relay when {@code ferry serve} runs without configuration,
 * and a controllable origin for integration tests. It speaks HTTP/1.1, HTTP/2 with prior knowledge (h2c) and, when
 * given an {@link io.netty.handler.ssl.SslContext}, HTTP/2 or HTTP/1.1 over TLS chosen by ALPN, all on one TCP
 * port. Every body is generated or echoed as a stream with backpressure, so gigabyte bodies pass with a small heap.
 *
 * <p>Starting points: {@link dev.ferry.testorigin.BuiltinOrigin} (builder, lifecycle, recorded requests),
 * {@code OriginRoutes} (the endpoint table), {@code Http1OriginHandler} and {@code Http2OriginStreamHandler} (one
 * per protocol), {@link dev.ferry.testorigin.PatternBytes} (the deterministic body pattern tests compare against).
 */
package dev.ferry.testorigin;
