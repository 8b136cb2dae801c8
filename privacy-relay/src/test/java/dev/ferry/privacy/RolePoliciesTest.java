package dev.ferry.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.net.HostPort;
import dev.ferry.bridge.tunnel.Cidr;
import dev.ferry.bridge.tunnel.TunnelTarget;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolePoliciesTest {
    private static final RequestHead CONNECT_UDP = RequestHead.builder().method("CONNECT").protocol("connect-udp")
            .scheme("https").authority("hop1.test:443").path("/.well-known/masque/udp/hop2.test/443/").build();

    private static ExchangeContext from(String address) {
        return new ExchangeContext(1, new InetSocketAddress(address, 40000), "3", System.nanoTime());
    }

    private static void denied(Runnable call, String detail) {
        ProxyException e = assertThrows(ProxyException.class, call::run);
        assertEquals(ProxyErrorType.HTTP_REQUEST_DENIED, e.type());
        assertEquals(detail, e.getMessage());
    }

    @Test
    void anIngressCarriesCONNECT_UDPToItsNextHopsOnly() {
        IngressPolicy ingress = new IngressPolicy(List.of(HostPort.parse("hop2.test:443", false),
                HostPort.parse("[2001:db8::2]:443", false)));
        ExchangeContext ctx = from("192.0.2.7");
        assertInstanceOf(HookDecision.Proceed.class, ingress.onRequest(ctx, CONNECT_UDP));
        assertInstanceOf(HookDecision.Proceed.class,
                ingress.onTunnel(ctx, new TunnelTarget(TunnelTarget.Kind.UDP, "HOP2.test", 443)));
        assertInstanceOf(HookDecision.Proceed.class,
                ingress.onTunnel(ctx, new TunnelTarget(TunnelTarget.Kind.UDP, "2001:db8::2", 443)));
        denied(() -> ingress.onTunnel(ctx, new TunnelTarget(TunnelTarget.Kind.UDP, "origin.test", 443)),
                "not a next hop of this relay");
        denied(() -> ingress.onTunnel(ctx, new TunnelTarget(TunnelTarget.Kind.UDP, "hop2.test", 8443)),
                "not a next hop of this relay");
        denied(() -> ingress.onTunnel(ctx, new TunnelTarget(TunnelTarget.Kind.TCP, "hop2.test", 443)),
                "this relay carries only CONNECT-UDP tunnels to its next hops");
        RequestHead get = RequestHead.builder().method("GET").scheme("https").authority("origin.test").path("/")
                .build();
        denied(() -> ingress.onRequest(ctx, get), "this relay carries only CONNECT-UDP tunnels to its next hops");
    }

    @Test
    void anEgressServesItsFirstHopsNetworksOnlyAndSaysNoAddress() {
        SourceNetworkPolicy egress = new SourceNetworkPolicy(List.of(Cidr.parse("10.1.0.0/16"),
                Cidr.parse("fd00:1::/64")));
        assertInstanceOf(HookDecision.Proceed.class, egress.onRequest(from("10.1.2.3"), CONNECT_UDP));
        assertInstanceOf(HookDecision.Proceed.class, egress.onRequest(from("fd00:1::9"), CONNECT_UDP));
        denied(() -> egress.onRequest(from("192.0.2.7"), CONNECT_UDP), "not from a network this relay serves");
        ProxyException e = assertThrows(ProxyException.class, () -> egress.onRequest(from("192.0.2.7"), CONNECT_UDP));
        assertFalse(e.getMessage().contains("192.0.2.7"), "the refusal names no address");
    }

    @Test
    void bothRolesNeedSomethingToAllow() {
        assertThrows(IllegalArgumentException.class, () -> new IngressPolicy(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SourceNetworkPolicy(List.of()));
    }
}
