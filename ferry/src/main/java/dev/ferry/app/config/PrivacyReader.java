package dev.ferry.app.config;

import dev.ferry.bridge.net.HostPort;
import dev.ferry.bridge.tunnel.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code privacy}, and holds the other sections to what the role needs: an ingress must serve CONNECT-UDP,
 * and an egress must name neither itself nor the client in what it forwards, so its {@code headers.via} defaults
 * to false and {@code headers.forwarding} to omit, and a file that asks otherwise is refused.
 */
final class PrivacyReader {
    private PrivacyReader() {
    }

    static PrivacyConfig read(ConfigNode node, TunnelsConfig tunnels) {
        if (!node.isMap("a map with keys role, next-hops, source-networks")) {
            return PrivacyConfig.none();
        }
        node.allowKeys("role", "next-hops", "source-networks");
        String role = node.child("role").choice(PrivacyConfig.NONE, PrivacyConfig.ROLES);
        List<HostPort> hops = new ArrayList<>();
        for (ConfigNode item : node.child("next-hops").elements("a list of host:port")) {
            String text = item.string(null, "host:port of a second hop", s -> true);
            if (text != null) {
                try {
                    hops.add(HostPort.parse(text, false));
                } catch (IllegalArgumentException e) {
                    item.problem("host:port of a second hop: " + e.getMessage());
                }
            }
        }
        List<Cidr> networks = new ArrayList<>();
        for (ConfigNode item : node.child("source-networks").elements("a list of CIDR ranges")) {
            String text = item.string(null, "a CIDR range such as 10.1.0.0/16", s -> true);
            if (text != null) {
                try {
                    networks.add(Cidr.parse(text));
                } catch (IllegalArgumentException e) {
                    item.problem("a CIDR range such as 10.1.0.0/16: " + e.getMessage());
                }
            }
        }
        int before = node.problemCount();
        if (role.equals(PrivacyConfig.INGRESS)) {
            if (!node.child("next-hops").present()) {
                node.child("next-hops").missing("the host:port of each second hop (an ingress carries tunnels to"
                        + " them only)");
            }
            if (node.child("source-networks").present()) {
                node.child("source-networks").report("belongs to an egress, not an ingress");
            }
            if (!tunnels.connectUdp()) {
                node.child("role").report("an ingress carries CONNECT-UDP: set tunnels.connect-udp: true");
            }
        } else if (node.child("next-hops").present()) {
            node.child("next-hops").report("belongs to an ingress (privacy.role: ingress)");
        } else if (!role.equals(PrivacyConfig.EGRESS) && node.child("source-networks").present()) {
            node.child("source-networks").report("belongs to an egress (privacy.role: egress)");
        }
        if (node.problemCount() != before || role.equals(PrivacyConfig.INGRESS) && hops.isEmpty()) {
            return PrivacyConfig.none();
        }
        return new PrivacyConfig(role, hops, networks);
    }

    /** The headers an egress may use: its defaults name nobody, and a file that asks otherwise is refused. */
    static HeadersConfig constrainHeaders(PrivacyConfig privacy, ConfigNode headersNode, HeadersConfig headers) {
        if (!privacy.isEgress()) {
            return headers;
        }
        ConfigNode via = headersNode.child("via");
        if (via.present() && headers.via()) {
            via.problem("false: Via would name this hop (privacy.role: egress)");
        }
        ConfigNode forwarding = headersNode.child("forwarding");
        if (forwarding.present() && !headers.forwarding().equals("omit")) {
            forwarding.problem("omit: Forwarded and X-Forwarded-For would name the client or a hop"
                    + " (privacy.role: egress)");
        }
        return new HeadersConfig(false, "omit", headers.forwardingStyle(), headers.strip());
    }
}
