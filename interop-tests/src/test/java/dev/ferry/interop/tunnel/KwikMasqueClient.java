package dev.ferry.interop.tunnel;

import dev.ferry.http3.Http3Codes;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kwik (QUIC with its datagram extension) and flupke (HTTP/3) as the MASQUE matrix's independent client, through
 * {@link KwikTunnelClient}. Besides opening tunnels it reports what it saw of the relay's negotiation: SETTINGS with
 * H3_DATAGRAM and ENABLE_CONNECT_PROTOCOL, the QUIC datagram transport parameter, and {@code capsule-protocol: ?1}
 * on the answer.
 */
final class KwikMasqueClient implements MasqueClient {
    @Override
    public String label() {
        return "kwik";
    }

    @Override
    public LocalTunnel udp(InetSocketAddress relay, InetSocketAddress target, boolean capsules, String token,
                           Path dir) throws Exception {
        KwikTunnelClient client = KwikTunnelClient.connect(relay, true);
        try {
            List<String> problems = new ArrayList<>();
            expectSetting(client, Http3Codes.SETTINGS_H3_DATAGRAM, "SETTINGS_H3_DATAGRAM", problems);
            expectSetting(client, KwikTunnelClient.SETTINGS_ENABLE_CONNECT_PROTOCOL, "SETTINGS_ENABLE_CONNECT_PROTOCOL",
                    problems);
            if (!client.quic().canSendDatagram()) {
                problems.add("no max_datagram_frame_size transport parameter");
            }
            KwikTunnelClient.Tunnel tunnel = client.connectUdp("127.0.0.1:" + relay.getPort(),
                    KwikTunnelClient.masquePath(target.getHostString(), target.getPort()), headers(token));
            if (tunnel.status() != 200) {
                return LocalTunnel.refused(tunnel.status(), refusal(tunnel), client);
            }
            if (!"?1".equals(tunnel.header("capsule-protocol"))) {
                problems.add("answer without capsule-protocol: ?1 (" + tunnel.headers().map() + ")");
            }
            KwikUdpForwarder forwarder = new KwikUdpForwarder(client, tunnel, capsules);
            return LocalTunnel.open(forwarder.localAddress(), problems, () -> {
                forwarder.close();
                client.close();
            });
        } catch (Exception | Error e) {
            client.close();
            throw e;
        }
    }

    @Override
    public LocalTunnel tcp(InetSocketAddress relay, InetSocketAddress target, String token, Path dir)
            throws Exception {
        KwikTunnelClient client = KwikTunnelClient.connect(relay, false);
        try {
            KwikTcpForwarder forwarder = new KwikTcpForwarder(client, target.getHostString() + ":" + target.getPort(),
                    headers(token));
            return LocalTunnel.open(forwarder.localAddress(), List.of(), () -> {
                forwarder.close();
                client.close();
            });
        } catch (Exception | Error e) {
            client.close();
            throw e;
        }
    }

    private static Map<String, String> headers(String token) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) {
            headers.put("proxy-authorization", "Bearer " + token);
        }
        return headers;
    }

    private static String refusal(KwikTunnelClient.Tunnel tunnel) {
        StringBuilder text = new StringBuilder("status " + tunnel.status());
        for (String field : List.of("proxy-status", "proxy-authenticate")) {
            String value = tunnel.header(field);
            if (value != null) {
                text.append("; ").append(field).append(": ").append(value);
            }
        }
        return text.toString();
    }

    private static void expectSetting(KwikTunnelClient client, long id, String name, List<String> problems) {
        Optional<Long> value = client.peerSetting(id);
        if (!value.equals(Optional.of(1L))) {
            problems.add(name + " is " + value.map(String::valueOf).orElse("absent") + ", not 1");
        }
    }
}
