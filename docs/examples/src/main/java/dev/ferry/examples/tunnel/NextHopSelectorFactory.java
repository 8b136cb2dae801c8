package dev.ferry.examples.tunnel;

import dev.ferry.bridge.hook.HookFactory;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.net.HostPort;
import java.util.ArrayList;
import java.util.List;

/** {@code name: next-hop}: see {@link NextHopConfig} for its keys. */
public final class NextHopSelectorFactory implements HookFactory<NextHopConfig> {

    @Override
    public String name() {
        return "next-hop";
    }

    @Override
    public Class<NextHopConfig> configType() {
        return NextHopConfig.class;
    }

    @Override
    public ProxyHook create(NextHopConfig config) {
        if (config.nextHops().isEmpty()) {
            throw new IllegalArgumentException("next-hops: at least one host:port is needed");
        }
        List<HostPort> hops = new ArrayList<>();
        for (String hop : config.nextHops()) {
            hops.add(parse("next-hops", hop));
        }
        HostPort forTarget = "*".equals(config.forTarget()) ? null : parse("for-target", config.forTarget());
        return new NextHopSelector(forTarget, hops);
    }

    private static HostPort parse(String key, String value) {
        try {
            return HostPort.parse(value, false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }
}
