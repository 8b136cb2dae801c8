package dev.ferry.app.server;

import dev.ferry.app.config.TunnelsConfig;
import dev.ferry.bridge.builtin.ProxyAuthHook;
import dev.ferry.bridge.builtin.TokenStore;
import dev.ferry.bridge.tunnel.ConnectUdpTemplate;
import dev.ferry.bridge.tunnel.EgressPolicy;
import dev.ferry.bridge.tunnel.TunnelSettings;
import dev.ferry.origin.tunnel.SocketTunnelConnector;
import dev.ferry.origin.tunnel.TunnelResolver;

/**
 * Builds the tunnel side of a relay from {@code tunnels}: the egress policy, the resolver, the socket connector,
 * and the proxy authentication hook. Holds the resolver's threads until closed.
 */
final class TunnelWiring implements AutoCloseable {
    private final TunnelsConfig config;
    private final TunnelResolver resolver;
    private final TunnelSettings settings;

    TunnelWiring(TunnelsConfig config) {
        this.config = config;
        this.resolver = TunnelResolver.create(config.hosts(), config.dnsTimeout().toMillis());
        this.settings = new TunnelSettings(config.connect(), config.connectUdp(),
                ConnectUdpTemplate.parse(config.uriTemplate()), config.udpIdleTimeout().toMillis(),
                SocketTunnelConnector.create(resolver, egressPolicy(config.egress()),
                        config.connectTimeout().toMillis()), config.tcpIdleTimeout().toMillis());
    }

    static EgressPolicy egressPolicy(TunnelsConfig.EgressConfig egress) {
        EgressPolicy.Builder builder = EgressPolicy.builder().allowPorts(egress.ports());
        egress.allow().forEach(builder::allow);
        egress.deny().forEach(builder::deny);
        return builder.build();
    }

    TunnelSettings settings() {
        return settings;
    }

    /** The hook that demands credentials for tunnels, or null when {@code auth.required} is false. */
    ProxyAuthHook authHook(String proxyName) {
        if (!config.auth().required()) {
            return null;
        }
        return ProxyAuthHook.builder().tokens(TokenStore.ofSha256Hex(config.auth().tokensSha256()))
                .proxyName(proxyName).build();
    }

    @Override
    public void close() {
        resolver.close();
    }
}
