package dev.ferry.app.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code tunnels}: CONNECT (TCP) and CONNECT-UDP (RFC 9298) through the relay. Off unless asked for: a relay that
 * opens sockets for clients must be switched on deliberately, with credentials and an egress policy.
 *
 * @param connect        {@code connect}, default false: serve classic CONNECT (TCP tunnels)
 * @param connectUdp     {@code connect-udp}, default false: serve CONNECT-UDP
 * @param datagrams      {@code datagrams}, default true: offer QUIC DATAGRAM frames and SETTINGS_H3_DATAGRAM for
 *                       CONNECT-UDP; without them UDP payloads travel as capsules on the stream
 * @param uriTemplate    {@code uri-template}, default {@code /.well-known/masque/udp/{target_host}/{target_port}/}
 * @param udpIdleTimeout {@code udp-idle-timeout}, default 2m: a UDP tunnel with no datagram either way is closed
 * @param connectTimeout {@code connect-timeout}, default 10s: TCP connect to a CONNECT target
 * @param egress         {@code egress}: where tunnels may go, see {@link EgressConfig}
 * @param auth           {@code auth}: who may open tunnels, see {@link AuthConfig}
 * @param hosts          {@code hosts}, default none: host names answered without DNS (lower case), as an
 *                       {@code /etc/hosts} of the relay's own; the egress policy still judges the address
 * @param tcpIdleTimeout {@code tcp-idle-timeout}, default 5m: a TCP tunnel with no byte either way is closed
 * @param dnsTimeout     {@code dns-timeout}, default 5s: a target name not resolved in this time fails the request
 *                       with 504 {@code dns_timeout}
 */
public record TunnelsConfig(boolean connect, boolean connectUdp, boolean datagrams, String uriTemplate,
                            Duration udpIdleTimeout, Duration connectTimeout, EgressConfig egress, AuthConfig auth,
                            Map<String, List<InetAddress>> hosts, Duration tcpIdleTimeout, Duration dnsTimeout) {
    public static final String DEFAULT_URI_TEMPLATE = "/.well-known/masque/udp/{target_host}/{target_port}/";

    public TunnelsConfig {
        Objects.requireNonNull(uriTemplate, "uriTemplate");
        Objects.requireNonNull(udpIdleTimeout, "udpIdleTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(egress, "egress");
        Objects.requireNonNull(auth, "auth");
        hosts = Map.copyOf(hosts);
        Checks.positive(tcpIdleTimeout, "tcpIdleTimeout");
        Checks.positive(dnsTimeout, "dnsTimeout");
    }

    public TunnelsConfig(boolean connect, boolean connectUdp, boolean datagrams, String uriTemplate,
                         Duration udpIdleTimeout, Duration connectTimeout, EgressConfig egress, AuthConfig auth,
                         Map<String, List<InetAddress>> hosts) {
        this(connect, connectUdp, datagrams, uriTemplate, udpIdleTimeout, connectTimeout, egress, auth, hosts,
                Duration.ofMinutes(5), Duration.ofSeconds(5));
    }

    /** Tunnels off. */
    public static TunnelsConfig disabled() {
        return new TunnelsConfig(false, false, true, DEFAULT_URI_TEMPLATE, Duration.ofMinutes(2),
                Duration.ofSeconds(10), EgressConfig.defaults(), AuthConfig.defaults(), Map.of());
    }

    public boolean enabled() {
        return connect || connectUdp;
    }

    /**
     * {@code tunnels.egress}. After resolution, the built-in forbidden ranges (loopback, private, link-local,
     * CGNAT, multicast, documentation, their IPv4-mapped and NAT64 forms) are refused; {@code allow} lifts that for
     * the CIDRs listed, {@code deny} adds CIDRs, {@code ports} limits ports.
     *
     * @param allow CIDRs allowed despite the built-in ranges, default none
     * @param deny  CIDRs always refused, default none
     * @param ports allowed ports, default {@code 53,80,443,853,1024-65535}; {@code "*"} for all
     */
    public record EgressConfig(List<String> allow, List<String> deny, String ports) {
        public EgressConfig {
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
            Objects.requireNonNull(ports, "ports");
        }

        public static EgressConfig defaults() {
            return new EgressConfig(List.of(), List.of(), "53,80,443,853,1024-65535");
        }
    }

    /**
     * {@code tunnels.auth}: no open relay. A tunnel opens only for a client that presents a bearer token in
     * {@code Proxy-Authorization} whose SHA-256 is listed, or a client certificate issued by {@code client-ca}.
     *
     * @param required     {@code required}, default true; false makes an open relay (tests, closed networks)
     * @param tokensSha256 {@code tokens-sha256}, default none: hex SHA-256 of each accepted token
     *                     ({@code ferry token hash} prints one)
     * @param clientCa     {@code client-ca}, default none: PEM file of the CA that issues client certificates;
     *                     listeners then ask for (but do not demand) a client certificate
     */
    public record AuthConfig(boolean required, List<String> tokensSha256, Path clientCa) {
        public AuthConfig {
            tokensSha256 = List.copyOf(tokensSha256);
        }

        public static AuthConfig defaults() {
            return new AuthConfig(true, List.of(), null);
        }
    }
}
