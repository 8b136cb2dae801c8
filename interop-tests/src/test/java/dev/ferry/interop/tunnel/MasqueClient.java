package dev.ferry.interop.tunnel;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * A CONNECT-UDP and CONNECT client under test in the MASQUE matrix. Each opens its tunnel and exposes it as a local
 * port, so that one set of checks drives every client the same way: Ferry's {@code ferry tunnel} as the separate
 * process users run, kwik/flupke through a forwarder in this JVM ({@link KwikMasqueClient}).
 */
interface MasqueClient {
    String label();

    /**
     * Opens a CONNECT-UDP tunnel to {@code target} through {@code relay}.
     *
     * @param capsules send every payload as a DATAGRAM capsule on the stream, never as a QUIC DATAGRAM frame
     * @param token    a bearer token for Proxy-Authorization, or null
     * @param dir      where the client keeps its logs
     */
    LocalTunnel udp(InetSocketAddress relay, InetSocketAddress target, boolean capsules, String token, Path dir)
            throws Exception;

    /** Opens a local TCP port whose connections each become a CONNECT stream to {@code target}. */
    LocalTunnel tcp(InetSocketAddress relay, InetSocketAddress target, String token, Path dir) throws Exception;

    static MasqueClient named(String name) {
        return switch (name.trim()) {
            case "ferry" -> new FerryTunnelProcess();
            case "kwik" -> new KwikMasqueClient();
            default -> throw new IllegalArgumentException("no MASQUE client " + name + " (ferry, kwik)");
        };
    }
}
