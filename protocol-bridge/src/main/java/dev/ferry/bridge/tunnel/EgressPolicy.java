package dev.ferry.bridge.tunnel;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * Which resolved targets a tunnel (CONNECT, CONNECT-UDP) may reach, so that a relay that carries anything does not
 * become a door into the networks behind it (server-side request forgery, cloud metadata services) or a launch
 * point for abuse of well-known services. Immutable and thread-safe.
 *
 * <p><b>Use.</b> Resolve the target once, call {@link #check} with the address that will actually be connected,
 * and connect to exactly that address; resolving again would let DNS rebinding swap in an address never checked.
 * On a denial answer 403 with {@code Proxy-Status: ...; error=destination_ip_prohibited} and send nothing.
 *
 * <p><b>Order of evaluation</b>, first match wins:
 * <ol>
 *   <li>explicit {@link Builder#deny deny} CIDRs: always denied, whatever else matches;</li>
 *   <li>explicit {@link Builder#allow allow} CIDRs: allowed, skipping the built-in classes (tests allow
 *       127.0.0.0/8 this way; allowing 0.0.0.0/0 and ::/0 switches the classes off);</li>
 *   <li>the built-in forbidden classes below: denied;</li>
 *   <li>otherwise allowed.</li>
 * </ol>
 * The port list is checked independently: an address that passes still needs an allowed port. Explicit CIDRs are
 * matched against the address and against the IPv4 address it embeds, if any, so "allow 127.0.0.0/8" covers
 * ::ffff:127.0.0.1 as well, and "deny 10.0.0.0/8" cannot be bypassed through 64:ff9b::10.0.0.1.
 *
 * <p><b>Built-in IPv4 classes</b> (IANA IPv4 Special-Purpose Address Registry, RFC 6890): this network 0.0.0.0/8
 * (RFC 1122 3.2.1.3; connecting to 0.0.0.0 reaches the local host on common stacks); loopback 127.0.0.0/8
 * (RFC 1122); private 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918); shared address space 100.64.0.0/10
 * (RFC 6598, CGNAT, also some cloud metadata services); link-local 169.254.0.0/16 (RFC 3927, with the metadata
 * service 169.254.169.254); IETF protocol assignments 192.0.0.0/24 (RFC 6890); documentation 192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24 (RFC 5737); 6to4 relay anycast 192.88.99.0/24 (deprecated, RFC 7526);
 * benchmarking 198.18.0.0/15 (RFC 2544); multicast 224.0.0.0/4 (RFC 5771); limited broadcast 255.255.255.255/32
 * (RFC 919) and the rest of reserved 240.0.0.0/4 (RFC 1112).
 *
 * <p><b>Built-in IPv6 classes</b> (IANA IPv6 Special-Purpose Address Registry): unspecified ::/128 and loopback
 * ::1/128 (RFC 4291 2.5.2, 2.5.3); IPv4-compatible ::/96 (RFC 4291 2.5.5.1, deprecated: no current use, and old
 * stacks tunnel it to the embedded IPv4 address, so all of it is denied); unique local fc00::/7 (RFC 4193, with
 * cloud metadata such as fd00:ec2::254); link-local fe80::/10 (RFC 4291 2.5.6); site-local fec0::/10 (deprecated,
 * RFC 3879); multicast ff00::/8 (RFC 4291 2.7); documentation 2001:db8::/32 (RFC 3849) and 3fff::/20 (RFC 9637);
 * discard-only 100::/64 (RFC 6666); Teredo 2001::/32 (RFC 4380: the client's IPv4 address is embedded obfuscated
 * and reached through relays this policy cannot see; the service is all but retired, so it is denied outright
 * rather than unwrapped); benchmarking 2001:2::/48 (RFC 5180); local-use NAT64 64:ff9b:1::/48 (RFC 8215: the
 * operator picks the prefix length inside it, /48 to /96, so the position of the embedded IPv4 address cannot be
 * known from the address alone; denied outright, and an operator whose NAT64 uses it allows it explicitly).
 *
 * <p><b>Embedded IPv4 addresses</b> are unwrapped and checked against the IPv4 classes: IPv4-mapped ::ffff:0:0/96
 * (RFC 4291 2.5.5.2; a dual-stack socket connects to the IPv4 address), the NAT64 well-known prefix 64:ff9b::/96
 * (RFC 6052; the translator connects to the IPv4 address, and RFC 6052 3.1 forbids it for non-global ones anyway)
 * and 6to4 2002::/16 (RFC 3056; the embedded IPv4 address is where a 6to4 relay sends the packet). Public IPv4
 * addresses in these forms pass.
 *
 * <p><b>Ports</b>: {@value #DEFAULT_PORTS} by default. 80 and 443 are the web, over TCP and QUIC; 53 (DNS,
 * RFC 1035) and 853 (DNS over TLS and QUIC, RFC 7858, RFC 9250) because resolving through the relay is a common
 * reason to use a UDP relay at all; 1024-65535 because QUIC on other ports, STUN and TURN (3478), IPsec NAT
 * traversal (4500), WebRTC and games use registered and ephemeral ports. The other well-known ports are where an
 * open relay would hurt third parties most and serve clients least: mail submission and relay (25, 465, 587),
 * remote login (22, 23), Windows RPC and file sharing (135-139, 445), SNMP (161), LDAP (389), NTP (123). Change it
 * with {@link Builder#allowPorts}; "*" allows every port.
 */
public final class EgressPolicy {
    /** The default allowed ports; see the class documentation for why. */
    public static final String DEFAULT_PORTS = "53,80,443,853,1024-65535";

    private static final List<Rule> IPV4_CLASSES = List.of(
            rule("0.0.0.0/8", "unspecified"),
            rule("127.0.0.0/8", "loopback"),
            rule("10.0.0.0/8", "private"),
            rule("172.16.0.0/12", "private"),
            rule("192.168.0.0/16", "private"),
            rule("100.64.0.0/10", "shared address space (CGNAT)"),
            rule("169.254.0.0/16", "link-local"),
            rule("192.0.0.0/24", "IETF protocol assignment"),
            rule("192.0.2.0/24", "documentation"),
            rule("198.51.100.0/24", "documentation"),
            rule("203.0.113.0/24", "documentation"),
            rule("192.88.99.0/24", "6to4 relay anycast"),
            rule("198.18.0.0/15", "benchmarking"),
            rule("224.0.0.0/4", "multicast"),
            rule("255.255.255.255/32", "broadcast"),
            rule("240.0.0.0/4", "reserved"));
    private static final List<Rule> IPV6_CLASSES = List.of(
            rule("::/128", "unspecified"),
            rule("::1/128", "loopback"),
            rule("::/96", "IPv4-compatible (deprecated)"),
            rule("fc00::/7", "unique local"),
            rule("fe80::/10", "link-local"),
            rule("fec0::/10", "site-local (deprecated)"),
            rule("ff00::/8", "multicast"),
            rule("2001:db8::/32", "documentation"),
            rule("3fff::/20", "documentation"),
            rule("100::/64", "discard-only"),
            rule("2001::/32", "Teredo"),
            rule("2001:2::/48", "benchmarking"),
            rule("64:ff9b:1::/48", "local-use NAT64"));
    private static final Cidr MAPPED = Cidr.parse("::ffff:0:0/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private final List<Cidr> allow;
    private final List<Cidr> deny;
    private final BitSet ports;
    private final String portSpec;

    private EgressPolicy(Builder b) {
        this.allow = List.copyOf(b.allow);
        this.deny = List.copyOf(b.deny);
        this.ports = (BitSet) b.ports.clone();
        this.portSpec = formatPorts(ports);
    }

    /** The built-in classes denied and {@link #DEFAULT_PORTS} allowed, nothing configured. */
    public static EgressPolicy defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decides whether {@code resolved}:{@code port} may be contacted.
     *
     * @throws IllegalArgumentException if the port is outside 0..65535
     */
    public EgressDecision check(InetAddress resolved, int port) {
        Objects.requireNonNull(resolved, "resolved");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        byte[] raw = resolved.getAddress();
        String text = Cidr.format(raw);
        byte[] v4 = embeddedIpv4(raw);
        Cidr denied = firstMatch(deny, raw, v4);
        if (denied != null) {
            return EgressDecision.denied("configured", text + " is denied by configuration (" + denied + ')');
        }
        if (firstMatch(allow, raw, v4) == null) {
            Rule r = builtIn(raw);
            if (r != null) {
                return EgressDecision.denied(r.label, text + " is " + r.label + " (" + r.cidr + ')');
            }
            r = v4 == null ? null : builtIn(v4);
            if (r != null) {
                return EgressDecision.denied(r.label, text + " embeds " + Cidr.format(v4) + ", which is "
                        + r.label + " (" + r.cidr + ')');
            }
        }
        if (!ports.get(port)) {
            return EgressDecision.denied("port", "port " + port + " is not allowed (allowed: " + portSpec + ')');
        }
        return EgressDecision.allowed();
    }

    /** The explicit allow CIDRs, in configuration order. */
    public List<Cidr> allowList() {
        return allow;
    }

    /** The explicit deny CIDRs, in configuration order. */
    public List<Cidr> denyList() {
        return deny;
    }

    /** The allowed ports in canonical form, e.g. "53,80,443,853,1024-65535". */
    public String ports() {
        return portSpec;
    }

    @Override
    public String toString() {
        return "EgressPolicy(allow=" + allow + ", deny=" + deny + ", ports=" + portSpec + ')';
    }

    /** The IPv4 address inside an IPv4-mapped, NAT64 well-known-prefix or 6to4 address, or null. */
    static byte[] embeddedIpv4(byte[] raw) {
        if (MAPPED.contains(raw) || NAT64.contains(raw)) {
            return Arrays.copyOfRange(raw, 12, 16);
        }
        if (SIX_TO_FOUR.contains(raw)) {
            return Arrays.copyOfRange(raw, 2, 6);
        }
        return null;
    }

    private static Cidr firstMatch(List<Cidr> list, byte[] raw, byte[] v4) {
        for (Cidr c : list) {
            if (c.contains(raw) || (v4 != null && c.contains(v4))) {
                return c;
            }
        }
        return null;
    }

    private static Rule builtIn(byte[] address) {
        for (Rule r : address.length == 4 ? IPV4_CLASSES : IPV6_CLASSES) {
            if (r.cidr.contains(address)) {
                return r;
            }
        }
        return null;
    }

    private static Rule rule(String cidr, String label) {
        return new Rule(Cidr.parse(cidr), label);
    }

    private record Rule(Cidr cidr, String label) {
    }

    static BitSet parsePorts(String spec) {
        Objects.requireNonNull(spec, "spec");
        BitSet set = new BitSet(65536);
        if (spec.strip().equals("*")) {
            set.set(1, 65536);
            return set;
        }
        for (String entry : spec.split(",", -1)) {
            String e = entry.strip();
            int dash = e.indexOf('-');
            int lo = port(spec, dash < 0 ? e : e.substring(0, dash).strip());
            int hi = dash < 0 ? lo : port(spec, e.substring(dash + 1).strip());
            if (lo > hi) {
                throw new IllegalArgumentException("ports '" + spec + "': range " + e + " is empty");
            }
            set.set(lo, hi + 1);
        }
        return set;
    }

    private static int port(String spec, String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("ports '" + spec + "': '" + s + "' is not a port number");
        }
        int p = Integer.parseInt(s);
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("ports '" + spec + "': port " + p + " (expected: 1..65535)");
        }
        return p;
    }

    private static String formatPorts(BitSet set) {
        StringBuilder sb = new StringBuilder();
        for (int lo = set.nextSetBit(0); lo >= 0; lo = set.nextSetBit(lo)) {
            int hi = set.nextClearBit(lo) - 1;
            sb.append(sb.length() == 0 ? "" : ",").append(lo).append(lo == hi ? "" : "-" + hi);
            lo = hi + 1;
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /** Builds an {@link EgressPolicy}; every method validates its input at once. */
    public static final class Builder {
        private final List<Cidr> allow = new ArrayList<>();
        private final List<Cidr> deny = new ArrayList<>();
        private BitSet ports = parsePorts(DEFAULT_PORTS);

        private Builder() {
        }

        /** Allows a network the built-in classes would deny; explicit denials still win. */
        public Builder allow(String cidr) {
            allow.add(Cidr.parse(cidr));
            return this;
        }

        /** Denies a network, whatever else is allowed. */
        public Builder deny(String cidr) {
            deny.add(Cidr.parse(cidr));
            return this;
        }

        /**
         * Replaces the allowed ports: comma-separated ports and inclusive ranges ("80,443,1024-65535"), or "*"
         * for 1-65535. Port 0 is never allowed.
         */
        public Builder allowPorts(String spec) {
            this.ports = parsePorts(spec);
            return this;
        }

        public EgressPolicy build() {
            return new EgressPolicy(this);
        }
    }
}
