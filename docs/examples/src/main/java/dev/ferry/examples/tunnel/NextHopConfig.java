package dev.ferry.examples.tunnel;

import java.util.List;

/**
 * Which tunnels are handed on, and to where.
 *
 * @param forTarget {@code for-target}, default {@code *}: the {@code host:port} a client names that is handed on
 *                  (a logical name such as {@code egress.relay.example:443}); {@code *} hands on every tunnel
 * @param nextHops  {@code next-hops}, required: the {@code host:port} of each next hop; a client always gets the
 *                  same one while the list stays the same, and removing one moves only its own clients
 */
public record NextHopConfig(String forTarget, List<String> nextHops) {

    public static NextHopConfig defaults() {
        return new NextHopConfig("*", List.of());
    }
}
