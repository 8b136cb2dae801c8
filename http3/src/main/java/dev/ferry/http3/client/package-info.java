/**
 * A reusable HTTP/3 client on Netty's QUIC codec, shared by {@code ferry get} and the benchmark so that both measure
 * and exercise the same code path a user would. Start with {@link dev.ferry.http3.client.Http3Client#builder()}, then
 * {@link dev.ferry.http3.client.Http3Client#connect} for an {@link dev.ferry.http3.client.Http3Connection}; requests are
 * described by {@link dev.ferry.http3.client.Http3Request} and answered either through the streaming
 * {@link dev.ferry.http3.client.ResponseListener} or the convenience {@code send}/{@code sendTo} methods that produce an
 * {@link dev.ferry.http3.client.Http3Response}.
 */
package dev.ferry.http3.client;
