/**
 * The TCP listener: TLS with ALPN, then HTTP/2 ({@link dev.ferry.tcpingress.Http2ExchangeHandler}, one per stream)
 * or HTTP/1.1 ({@link dev.ferry.tcpingress.Http1Connection}, one per connection, with its own strict request
 * parser), each request an exchange of the shared {@link dev.ferry.bridge.exchange.ExchangeDriver}. Kept apart from
 * quic-ingress because it shares nothing with QUIC but the exchange it feeds.
 */
package dev.ferry.tcpingress;
