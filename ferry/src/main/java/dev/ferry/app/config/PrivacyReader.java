package dev.ferry.app.config;

import dev.ferry.app.hooks.AccessLogFields;
import dev.ferry.bridge.net.HostPort;
import dev.ferry.bridge.tunnel.Cidr;
import dev.ferry.privacy.EgressPool;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code privacy}, and holds the other sections to what the role needs: an ingress must serve CONNECT-UDP,
 * and an egress must name neither itself nor the client in what it forwards, so its {@code headers.via} defaults
 * to false and {@code headers.forwarding} to omit, and a file that asks otherwise is refused. Nor may an egress
 * write who connected beside where they went: {@code access-log.fields} may not hold {@code client} together with
 * a target field.
 */
final class PrivacyReader {
    private PrivacyReader() {
    }

    static PrivacyConfig read(ConfigNode node, TunnelsConfig tunnels) {
        if (!node.isMap("a map with keys role, next-hops, source-networks, egress-pools")) {
            return PrivacyConfig.none();
        }
        node.allowKeys("role", "next-hops", "source-networks", "egress-pools");
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
        List<EgressPool> pools = readPools(node.child("egress-pools"));
        int before = node.problemCount();
        if (!role.equals(PrivacyConfig.EGRESS) && node.child("egress-pools").present()) {
            node.child("egress-pools").report("belongs to an egress (privacy.role: egress)");
        }
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
        return new PrivacyConfig(role, hops, networks, pools);
    }

    private static List<EgressPool> readPools(ConfigNode node) {
        List<EgressPool> pools = new ArrayList<>();
        boolean defaultSeen = false;
        for (ConfigNode item : node.elements("a list of pools")) {
            if (!item.isMap("a map with keys geohash, addresses, country, region, city")) {
                continue;
            }
            item.allowKeys("geohash", "addresses", "country", "region", "city");
            int before = item.problemCount();
            String geohash = item.child("geohash").string(null, "a geohash prefix (1 to 12 of 0-9 b-h j k m n p-z)",
                    s -> s.matches("[0-9b-hjkmnp-z]{1,12}"));
            if (!item.child("geohash").present()) {
                if (defaultSeen) {
                    item.report("a second pool without geohash; one default pool at most");
                }
                defaultSeen = true;
            }
            List<java.net.InetAddress> addresses = new ArrayList<>();
            for (ConfigNode address : item.child("addresses").elements("a list of IP addresses")) {
                String text = address.string(null, "an IPv4 or IPv6 address of this host", HostPort::isIpLiteral);
                if (text != null) {
                    addresses.add(Cidr.parseAddress(text));
                }
            }
            if (!item.child("addresses").present()) {
                item.child("addresses").missing("the source addresses of this pool");
            }
            String country = item.child("country").string("", "an ISO 3166-1 alpha-2 code such as DE",
                    s -> s.matches("[A-Z]{2}"));
            String region = item.child("region").string("", "an ISO 3166-2 code such as DE-BE",
                    s -> s.matches("[A-Z]{2}-[A-Z0-9]{1,3}"));
            String city = item.child("city").string("", "a city name without commas or quotes",
                    s -> !s.contains(",") && !s.contains("\""));
            if (item.problemCount() == before && !addresses.isEmpty()) {
                pools.add(new EgressPool(geohash, addresses, country, region, city));
            }
        }
        return pools;
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

    /**
     * Refuses, on an egress, an {@code access-log.fields} that holds {@code client} with a field naming the target
     * ({@link AccessLogFields#TARGET}): the two in one line say who went where, which is what the two hops exist to
     * keep apart. Role none and an ingress may log any field (an ingress's target is only its next hop).
     */
    static void constrainAccessLog(PrivacyConfig privacy, ConfigNode accessLogNode, AccessLogConfig accessLog) {
        AccessLogFields fields = accessLog.fields();
        if (!privacy.isEgress() || fields == null || !fields.linksClientToTarget()) {
            return;
        }
        String targets = String.join(", ", fields.targetsIn().stream().map(AccessLogFields.Field::key).toList());
        accessLogNode.child("fields").report("client together with " + targets + ": an egress never logs the client"
                + " address with the target (privacy.role: egress); leave out client, or every one of "
                + String.join(", ", AccessLogFields.TARGET.stream().map(AccessLogFields.Field::key).toList()));
    }
}
