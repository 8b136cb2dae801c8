/**
 * The HTTP/3 ingress: {@link dev.ferry.ingress.Http3Listener} binds a UDP socket with Netty's QUIC and HTTP/3
 * codecs; {@link dev.ferry.ingress.Http3ExchangeHandler} turns each request stream into a bridge exchange.
 * {@link dev.ferry.ingress.EarlyRequests} decides what a request read in 0-RTT early data may do. This package
 * knows nothing of origins.
 */
package dev.ferry.ingress;
