/**
 * The protocol-neutral exchange: {@link dev.ferry.bridge.exchange.RequestHead} and
 * {@link dev.ferry.bridge.exchange.ResponseHead}, the two sides an ingress and an origin client implement
 * ({@link dev.ferry.bridge.exchange.ClientStream}, {@link dev.ferry.bridge.exchange.OriginConnector}), and the
 * {@link dev.ferry.bridge.exchange.ExchangeDriver} that runs the hook phases and streams bodies between them.
 * Start with the class comment of {@link dev.ferry.bridge.exchange.Exchange}.
 */
package dev.ferry.bridge.exchange;
