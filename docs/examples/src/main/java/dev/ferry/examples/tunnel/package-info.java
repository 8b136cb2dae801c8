/**
 * A tunnel selector as a plugin: {@link dev.ferry.examples.tunnel.NextHopSelectorFactory} ({@code next-hop}) makes
 * a hook that hands CONNECT and CONNECT-UDP tunnels for a logical target on to one of several next hops, the same
 * hop for the same client, which is the first hop's job in a two-hop relay.
 */
package dev.ferry.examples.tunnel;
