package dev.ferry.interop.privacy;

import dev.ferry.interop.support.NetworkNamespaces;
import java.io.IOException;

/**
 * Four namespaces in a row, client - hop1 - hop2 - origin, each link its own /24, and no route beyond a
 * namespace's own links: the client reaches only hop1, hop1 only the client and hop2, the origin only hop2.
 * Nothing crosses two links unless a relay carries it. Hop2 has a second address on the origin side, the source
 * of its second egress pool.
 *
 * <p>Ports are fixed: each namespace is new and has no other program in it, so nothing can hold them.
 */
final class PrivacyTopology implements AutoCloseable {
    static final String CLIENT = "10.250.1.2";
    static final String HOP1_FRONT = "10.250.1.1";
    static final String HOP1_BACK = "10.250.2.1";
    static final String HOP2_FRONT = "10.250.2.2";
    /** Hop2's default egress pool. */
    static final String HOP2_EGRESS_DEFAULT = "10.250.3.1";
    /** Hop2's egress pool for clients in geohash {@code u33} (Berlin). */
    static final String HOP2_EGRESS_BERLIN = "10.250.3.3";
    static final String ORIGIN = "10.250.3.2";
    /** The origin's name: only hop2 resolves it (its {@code tunnels.hosts}); nobody before hop2 may see it. */
    static final String ORIGIN_NAME = "origin.test";
    static final int HOP1_PORT = 4431;
    static final int HOP2_PORT = 4432;
    /** gtlsserver, HTTP/3. */
    static final int ORIGIN_H3_PORT = 9443;
    /** nginx, HTTP/1.1 over TLS. */
    static final int ORIGIN_HTTPS_PORT = 8443;
    /** nginx, HTTP/1.1 in clear. */
    static final int ORIGIN_HTTP_PORT = 8080;

    final NetworkNamespaces namespaces = new NetworkNamespaces();
    final String client;
    final String hop1;
    final String hop2;
    final String origin;

    PrivacyTopology() throws IOException {
        try {
            client = namespaces.create("client");
            hop1 = namespaces.create("hop1");
            hop2 = namespaces.create("hop2");
            origin = namespaces.create("origin");
            namespaces.link(client, CLIENT + "/24", hop1, HOP1_FRONT + "/24");
            namespaces.link(hop1, HOP1_BACK + "/24", hop2, HOP2_FRONT + "/24");
            String[] back = namespaces.link(hop2, HOP2_EGRESS_DEFAULT + "/24", origin, ORIGIN + "/24");
            namespaces.addAddress(hop2, back[0], HOP2_EGRESS_BERLIN + "/24");
        } catch (IOException | RuntimeException e) {
            namespaces.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        namespaces.close();
    }
}
