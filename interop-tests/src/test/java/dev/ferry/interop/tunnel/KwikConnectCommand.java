package dev.ferry.interop.tunnel;

import dev.ferry.interop.support.ByteSearch;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * kwik/flupke as a command, for tests that must run the client in another network namespace than their own JVM:
 * connects to a relay, opens a CONNECT (TCP) tunnel to a target, sends one HTTP/1.1 GET through it and prints what
 * came back, one {@code key value} line each, for the test to judge:
 * {@code status} (the CONNECT answer), {@code proxy-status}, and after a 2xx {@code response} (the status line
 * from the target), {@code body-bytes}, {@code body-sha256} and, for a short body, {@code body}.
 *
 * <p>Arguments: {@code RELAY_HOST RELAY_PORT TARGET_AUTHORITY PATH [NAME=VALUE...]}, the last being fields added to
 * the CONNECT request (a {@code proxy-authorization}, a {@code sec-ch-geohash}). Exit 0 once an answer was
 * printed, 1 when the relay could not be reached or the tunnel broke.
 */
public final class KwikConnectCommand {
    private KwikConnectCommand() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress relay = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        String target = args[2];
        String path = args[3];
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            fields.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        try (KwikTunnelClient client = KwikTunnelClient.connect(relay, false)) {
            KwikTunnelClient.Tunnel tunnel = client.connectTcp(target, fields);
            System.out.println("status " + tunnel.status());
            System.out.println("proxy-status " + tunnel.header("proxy-status"));
            if (tunnel.status() / 100 == 2) {
                OutputStream out = tunnel.stream().getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: " + target + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                printResponse(tunnel.stream().getInputStream());
            }
            tunnel.finish();
        }
        System.out.flush();
        System.exit(0);
    }

    private static void printResponse(InputStream in) throws Exception {
        byte[] all = in.readAllBytes();
        int split = ByteSearch.indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (split < 0) {
            System.out.println("response none (" + all.length + " bytes without a complete head)");
            return;
        }
        String head = new String(all, 0, split, StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(all, split + 4, all.length - split - 4);
        byte[] bytes = body.toByteArray();
        System.out.println("response " + head.lines().findFirst().orElse(""));
        System.out.println("body-bytes " + bytes.length);
        System.out.println("body-sha256 " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        if (bytes.length < 200) {
            System.out.println("body " + new String(bytes, StandardCharsets.UTF_8).trim());
        }
    }

}
