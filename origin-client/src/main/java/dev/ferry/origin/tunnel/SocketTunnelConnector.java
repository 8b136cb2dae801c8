package dev.ferry.origin.tunnel;

import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.tunnel.EgressDecision;
import dev.ferry.bridge.tunnel.EgressPolicy;
import dev.ferry.bridge.tunnel.TunnelConnector;
import dev.ferry.bridge.tunnel.TunnelEndpoint;
import dev.ferry.bridge.tunnel.TunnelListener;
import dev.ferry.bridge.tunnel.TunnelTarget;
import io.netty.channel.EventLoop;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Opens tunnel targets as sockets: resolves the name, keeps the first address the {@link EgressPolicy} allows
 * (the policy judges the address actually dialled, so a name that resolves to a forbidden address is refused and
 * nothing is sent to it), then connects TCP or UDP on the tunnel's event loop, from the target's source address of
 * that family when it names sources.
 */
public final class SocketTunnelConnector implements TunnelConnector {
    private final TunnelResolver resolver;
    private final EgressPolicy policy;
    private final long connectTimeoutMillis;

    private SocketTunnelConnector(TunnelResolver resolver, EgressPolicy policy, long connectTimeoutMillis) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    public static SocketTunnelConnector create(TunnelResolver resolver, EgressPolicy policy,
                                               long connectTimeoutMillis) {
        return new SocketTunnelConnector(resolver, policy, connectTimeoutMillis);
    }

    @Override
    public TunnelEndpoint open(EventLoop loop, TunnelTarget target, TunnelListener listener) {
        SocketTunnelEndpoint endpoint = target.kind() == TunnelTarget.Kind.TCP
                ? new TcpTunnelEndpoint(loop, listener, connectTimeoutMillis)
                : new UdpTunnelEndpoint(loop, listener);
        resolver.resolve(loop, target.host()).addListener(f -> {
            if (endpoint.isClosed()) {
                return;
            }
            if (!f.isSuccess()) {
                listener.onTunnelFailure((ProxyException) f.cause());
                return;
            }
            @SuppressWarnings("unchecked")
            List<InetAddress> addresses = (List<InetAddress>) f.getNow();
            EgressDecision firstDenial = null;
            for (InetAddress address : addresses) {
                EgressDecision decision = policy.check(address, target.port());
                InetAddress source = target.sourceFor(address);
                if (decision.isAllowed() && (source != null || target.sources().isEmpty())) {
                    endpoint.connect(new InetSocketAddress(address, target.port()),
                            source == null ? null : new InetSocketAddress(source, 0));
                    return;
                }
                if (firstDenial == null) {
                    firstDenial = decision;
                }
            }
            if (firstDenial == null) {
                // Allowed, but no source address of the target's family was given (an egress pool without it).
                listener.onTunnelFailure(new ProxyException(dev.ferry.bridge.error.ProxyErrorType
                        .DESTINATION_UNAVAILABLE, ProxyException.Side.PROXY, false,
                        "no egress address of the target's address family"));
                return;
            }
            listener.onTunnelFailure(((EgressDecision.Denied) firstDenial).toException());
        });
        return endpoint;
    }
}
