package dev.ferry.examples.firewall;

import dev.ferry.bridge.hook.HookFactory;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.Cidr;

/** {@code name: http-firewall}: see {@link FirewallConfig} for its keys. */
public final class HttpFirewallFactory implements HookFactory<FirewallConfig> {

    @Override
    public String name() {
        return "http-firewall";
    }

    @Override
    public Class<FirewallConfig> configType() {
        return FirewallConfig.class;
    }

    @Override
    public ProxyHook create(FirewallConfig config) {
        for (String prefix : config.denyPaths()) {
            if (!prefix.startsWith("/")) {
                throw new IllegalArgumentException("deny-paths: " + prefix + " does not start with /");
            }
        }
        for (String network : config.denyNetworks()) {
            try {
                Cidr.parse(network);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("deny-networks: " + e.getMessage(), e);
            }
        }
        return new HttpFirewall(config);
    }
}
