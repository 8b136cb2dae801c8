/**
 * The two roles of a two-hop privacy relay, as hooks the configuration's {@code privacy:} section puts at the
 * front of the chain: {@link dev.ferry.privacy.IngressPolicy} (first hop: CONNECT-UDP to the configured next hops
 * only) and {@link dev.ferry.privacy.SourceNetworkPolicy} (second hop: connections from the first hops' networks
 * only), with {@link dev.ferry.privacy.GeoEgress} choosing a second hop's source address by the client's geohash
 * hint and {@link dev.ferry.privacy.Geofeed} publishing the pools. What a second hop must not forward (client or hop identity in Forwarded, X-Forwarded-*, Via) is the
 * forwarding policy's job, which the role sets.
 */
package dev.ferry.privacy;
