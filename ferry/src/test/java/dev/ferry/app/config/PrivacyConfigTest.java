package dev.ferry.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.app.hooks.AccessLogFields;
import dev.ferry.app.hooks.AccessLogFields.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code privacy} section: each role's keys, and what it holds the other sections to. */
class PrivacyConfigTest {
    private static final String UDP_TUNNELS = "tunnels: {connect-udp: true, auth: {required: false}}\n";

    private static FerryConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "test.yaml");
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).problems();
    }

    @Test
    void anIngressNamesItsNextHops() {
        FerryConfig config = parse(UDP_TUNNELS + "privacy: {role: ingress, next-hops: [hop2.example:443]}\n");
        assertTrue(config.privacy().isIngress());
        assertEquals("hop2.example:443", config.privacy().nextHops().get(0).toString());
    }

    @Test
    void anIngressWithoutNextHopsOrCONNECT_UDPIsRefusedByKey() {
        assertEquals(List.of("privacy.next-hops: missing (expected: the host:port of each second hop (an ingress"
                + " carries tunnels to them only))"), problems(UDP_TUNNELS + "privacy: {role: ingress}\n"));
        assertEquals(List.of("privacy.role: an ingress carries CONNECT-UDP: set tunnels.connect-udp: true"),
                problems("tunnels: {connect: true, auth: {required: false}}\n"
                        + "privacy: {role: ingress, next-hops: [hop2.example:443]}\n"));
        assertEquals(List.of("privacy.next-hops[0]: hop2 (expected: host:port of a second hop: no port in hop2)"),
                problems(UDP_TUNNELS + "privacy: {role: ingress, next-hops: [hop2]}\n"));
    }

    @Test
    void anEgressNamesNobodyByDefaultAndRefusesAFileThatWouldName() {
        FerryConfig config = parse(UDP_TUNNELS + "privacy: {role: egress, source-networks: [10.1.0.0/16]}\n");
        assertTrue(config.privacy().isEgress());
        assertFalse(config.headers().via(), "Via would name the hop");
        assertEquals("omit", config.headers().forwarding());
        assertEquals(List.of(
                "headers.via: true (expected: false: Via would name this hop (privacy.role: egress))",
                "headers.forwarding: replace (expected: omit: Forwarded and X-Forwarded-For would name the client"
                        + " or a hop (privacy.role: egress))"),
                problems(UDP_TUNNELS + "headers: {via: true, forwarding: replace}\nprivacy: {role: egress}\n"));
    }

    /**
     * An egress is reached inside an ingress's tunnel, whose datagrams hold about 1300 bytes: its packets default
     * smaller than a plain relay's, and a value the file sets is kept.
     */
    @Test
    void anEgressSendsPacketsThatFitAnIngressDatagram() {
        FerryConfig egress = parse(UDP_TUNNELS + "privacy: {role: egress}\n");
        assertEquals(1280, egress.listeners().get(0).quic().maxUdpPayload());
        FerryConfig listed = parse(UDP_TUNNELS + "listeners: [{address: 127.0.0.1:0}]\nprivacy: {role: egress}\n");
        assertEquals(1280, listed.listeners().get(0).quic().maxUdpPayload());
        FerryConfig set = parse(UDP_TUNNELS
                + "listeners: [{address: 127.0.0.1:0, quic: {max-udp-payload: 1400}}]\nprivacy: {role: egress}\n");
        assertEquals(1400, set.listeners().get(0).quic().maxUdpPayload());
        FerryConfig ingress = parse(UDP_TUNNELS + "privacy: {role: ingress, next-hops: [hop2.example:443]}\n");
        assertEquals(1350, ingress.listeners().get(0).quic().maxUdpPayload());
    }

    @Test
    void eachRolesKeysBelongToIt() {
        assertEquals(List.of("privacy.next-hops: belongs to an ingress (privacy.role: ingress)"),
                problems(UDP_TUNNELS + "privacy: {role: egress, next-hops: [a.example:443]}\n"));
        assertEquals(List.of("privacy.source-networks: belongs to an egress, not an ingress"),
                problems(UDP_TUNNELS + "privacy: {role: ingress, next-hops: [a.example:443],"
                        + " source-networks: [10.0.0.0/8]}\n"));
        assertEquals(List.of("privacy.role: guard (expected: one of none, ingress, egress)"),
                problems(UDP_TUNNELS + "privacy: {role: guard}\n"));
    }

    @Test
    void anEgressReadsItsPoolsAndRefusesBadOnesByKey() {
        FerryConfig config = parse(UDP_TUNNELS + """
                privacy:
                  role: egress
                  egress-pools:
                    - {geohash: u33, addresses: [192.0.2.10, "2001:db8::10"], country: DE, region: DE-BE, city: Berlin}
                    - {addresses: [198.51.100.1], country: US}
                """);
        assertEquals(2, config.privacy().egressPools().size());
        assertEquals("u33", config.privacy().egressPools().get(0).geohash());
        assertEquals(null, config.privacy().egressPools().get(1).geohash());
        assertEquals(List.of(
                "privacy.egress-pools[0].geohash: u3a (expected: a geohash prefix (1 to 12 of 0-9 b-h j k m n p-z))",
                "privacy.egress-pools[0].addresses[0]: example.com (expected: an IPv4 or IPv6 address of this host)",
                "privacy.egress-pools[1].addresses: missing (expected: the source addresses of this pool)",
                "privacy.egress-pools[1].country: Germany (expected: an ISO 3166-1 alpha-2 code such as DE)"),
                problems(UDP_TUNNELS + """
                        privacy:
                          role: egress
                          egress-pools:
                            - {geohash: u3a, addresses: [example.com]}
                            - {country: Germany}
                        """));
    }

    @Test
    void eachRoleHasItsAccessLogDefault() {
        assertEquals(AccessLogFields.all(), parse(UDP_TUNNELS + "origins: {b: {endpoints: ['127.0.0.1:8080']}}\n")
                .accessLogFields());
        assertEquals(AccessLogFields.all(), parse(UDP_TUNNELS + "privacy: {role: ingress, next-hops:"
                + " [hop2.example:443]}\n").accessLogFields(), "an ingress's only target is its next hop");
        AccessLogFields egress = parse(UDP_TUNNELS + "privacy: {role: egress}\n").accessLogFields();
        assertFalse(egress.has(Field.CLIENT), "an egress does not write who connected");
        assertEquals(AccessLogFields.all().without(Field.CLIENT), egress);
    }

    @Test
    void anEgressRefusesToLogTheClientWithTheTarget() {
        assertEquals(List.of("access-log.fields: client together with authority, path: an egress never logs the"
                + " client address with the target (privacy.role: egress); leave out client, or every one of"
                + " authority, path, origin, detail"),
                problems(UDP_TUNNELS + "access-log: {fields: [time, client, authority, path, status]}\n"
                        + "privacy: {role: egress}\n"));
        // The tunnel's host:port once chosen, and an error detail that may name it, count as the target too.
        assertEquals(List.of("access-log.fields: client together with origin: an egress never logs the client"
                + " address with the target (privacy.role: egress); leave out client, or every one of"
                + " authority, path, origin, detail"),
                problems(UDP_TUNNELS + "access-log: {enabled: false, fields: [client, origin]}\n"
                        + "privacy: {role: egress}\n"));
    }

    @Test
    void anEgressMayLogTheClientWithoutTheTargetOrTheTargetWithoutTheClient() {
        FerryConfig counts = parse(UDP_TUNNELS + "access-log: {fields: [time, client, status, bytes_in]}\n"
                + "privacy: {role: egress}\n");
        assertEquals(List.of(Field.TIME, Field.CLIENT, Field.STATUS, Field.BYTES_IN),
                counts.accessLogFields().fields());
        FerryConfig targets = parse(UDP_TUNNELS + "access-log: {fields: [authority, path, origin, detail]}\n"
                + "privacy: {role: egress}\n");
        assertFalse(targets.accessLogFields().has(Field.CLIENT));
    }

    @Test
    void roleNoneAndAnIngressMayLogTheClientWithTheTarget() {
        String fields = "access-log: {fields: [client, authority, path, origin]}\n";
        assertTrue(parse(UDP_TUNNELS + fields + "origins: {b: {endpoints: ['127.0.0.1:8080']}}\n")
                .accessLogFields().linksClientToTarget());
        assertTrue(parse(UDP_TUNNELS + fields + "privacy: {role: ingress, next-hops: [hop2.example:443]}\n")
                .accessLogFields().linksClientToTarget());
    }

    @Test
    void aConfigurationBuiltInCodeFollowsItsRoleToo() {
        FerryConfig base = parse(UDP_TUNNELS);
        PrivacyConfig egress = new PrivacyConfig(PrivacyConfig.EGRESS, List.of(), List.of());
        assertFalse(base.withPrivacy(egress, base.headers()).accessLogFields().has(Field.CLIENT),
                "the default is the new role's, not the one read");
        FerryConfig linking = parse(UDP_TUNNELS + "access-log: {fields: [client, path]}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> linking.withPrivacy(egress, linking.headers()));
        assertEquals("an egress never logs the client address with the target", e.getMessage());
    }
}
