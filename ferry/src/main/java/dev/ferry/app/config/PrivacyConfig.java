package dev.ferry.app.config;

import dev.ferry.bridge.net.HostPort;
import dev.ferry.bridge.tunnel.Cidr;
import dev.ferry.privacy.EgressPool;
import java.util.List;
import java.util.Objects;

/**
 * The {@code privacy} section: which hop of a two-hop privacy relay this relay is.
 *
 * @param role           {@code role}, default {@code none}: {@code ingress} (the first hop: sees who asks, never
 *                       where they go) or {@code egress} (the second hop: sees where, never who)
 * @param nextHops       {@code next-hops}, required for an ingress: the {@code host:port} of each second hop; the
 *                       only CONNECT-UDP targets it accepts, and it serves nothing else
 * @param sourceNetworks {@code source-networks}, egress only, default none (any): the networks its first hops
 *                       connect from; connections from elsewhere are refused
 * @param egressPools    {@code egress-pools}, egress only, default none (the system's source address): source
 *                       addresses by the clients' geohash hint, each {@code {geohash, addresses, country, region,
 *                       city}}; one pool without {@code geohash} is the default
 */
public record PrivacyConfig(String role, List<HostPort> nextHops, List<Cidr> sourceNetworks,
                            List<EgressPool> egressPools) {
    public static final String NONE = "none";
    public static final String INGRESS = "ingress";
    public static final String EGRESS = "egress";
    public static final List<String> ROLES = List.of(NONE, INGRESS, EGRESS);

    public PrivacyConfig {
        Checks.oneOf(Objects.requireNonNull(role, "role"), ROLES, "role");
        nextHops = List.copyOf(nextHops);
        sourceNetworks = List.copyOf(sourceNetworks);
        egressPools = List.copyOf(egressPools);
        if (!role.equals(EGRESS) && !egressPools.isEmpty()) {
            throw new IllegalArgumentException("egress pools belong to an egress");
        }
        if (egressPools.stream().filter(p -> p.geohash() == null).count() > 1) {
            throw new IllegalArgumentException("at most one default egress pool");
        }
        if (role.equals(INGRESS) && nextHops.isEmpty()) {
            throw new IllegalArgumentException("an ingress needs at least one next hop");
        }
        if (!role.equals(INGRESS) && !nextHops.isEmpty()) {
            throw new IllegalArgumentException("next hops belong to an ingress");
        }
        if (!role.equals(EGRESS) && !sourceNetworks.isEmpty()) {
            throw new IllegalArgumentException("source networks belong to an egress");
        }
    }

    /** A role without egress pools. */
    public PrivacyConfig(String role, List<HostPort> nextHops, List<Cidr> sourceNetworks) {
        this(role, nextHops, sourceNetworks, List.of());
    }

    public static PrivacyConfig none() {
        return new PrivacyConfig(NONE, List.of(), List.of());
    }

    public boolean isIngress() {
        return role.equals(INGRESS);
    }

    public boolean isEgress() {
        return role.equals(EGRESS);
    }
}
