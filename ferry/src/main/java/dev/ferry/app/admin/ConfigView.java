package dev.ferry.app.admin;

import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.ListenerConfig;
import dev.ferry.app.config.OriginConfig;
import dev.ferry.app.config.OriginProtocol;
import dev.ferry.app.config.RouteConfig;
import dev.ferry.app.config.TunnelsConfig;
import dev.ferry.bridge.net.HostPort;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The running configuration as JSON for {@code /config}, with secrets left out: token hashes become their count,
 * files are named but never read, and nothing the relay learned at run time (addresses of clients) appears.
 */
public final class ConfigView {
    private ConfigView() {
    }

    public static String json(FerryConfig c) {
        StringBuilder j = new StringBuilder("{\n");
        field(j, "proxy-name", quote(c.proxyName())).append(",\n");
        field(j, "event-loops", Integer.toString(c.eventLoops())).append(",\n");
        j.append("  \"listeners\": [").append(c.listeners().stream().map(ConfigView::listener)
                .collect(Collectors.joining(", "))).append("],\n");
        j.append("  \"routes\": [").append(c.effectiveRoutes().stream().map(ConfigView::route)
                .collect(Collectors.joining(", "))).append("],\n");
        j.append("  \"origins\": {").append(c.origins().values().stream().map(ConfigView::origin)
                .collect(Collectors.joining(", "))).append("},\n");
        j.append("  \"tunnels\": ").append(tunnels(c.tunnels())).append(",\n");
        field(j, "privacy-role", quote(c.privacy().role())).append(",\n");
        field(j, "access-log", c.accessLog().enabled() ? quote(c.accessLog().path()) : "false").append(",\n");
        field(j, "warm-up-requests", Integer.toString(c.warmUp().requests())).append(",\n");
        field(j, "admin", quote(HostPort.format(c.admin().address()))).append('\n');
        return j.append("}\n").toString();
    }

    private static String listener(ListenerConfig l) {
        return "{\"name\": " + quote(l.name()) + ", \"address\": " + quote(HostPort.format(l.address()))
                + ", \"certificate\": " + (l.tls().generate() ? quote("generated")
                : quote(l.tls().certificate().toString())) + ", \"application-protocol\": "
                + quote(l.quic().applicationProtocol()) + ", \"early-data\": " + l.quic().earlyData()
                + ", \"address-validation\": " + quote(l.quic().addressValidation().mode())
                + ", \"tcp\": " + l.tcp().enabled() + "}";
    }

    private static String route(RouteConfig r) {
        return "{\"authority\": " + quote(r.authority()) + ", \"path-prefix\": " + quote(r.pathPrefix())
                + ", \"origin\": " + quote(r.origin()) + "}";
    }

    private static String origin(OriginConfig o) {
        String where = o.protocol() == OriginProtocol.FILES ? "\"root\": " + quote(o.root().toString())
                : "\"endpoints\": [" + o.endpoints().stream().map(e -> quote(HostPort.format(e)))
                .collect(Collectors.joining(", ")) + "]";
        return quote(o.name()) + ": {\"protocol\": " + quote(o.protocol().configName()) + ", " + where + "}";
    }

    private static String tunnels(TunnelsConfig t) {
        if (!t.enabled()) {
            return "false";
        }
        TunnelsConfig.AuthConfig auth = t.auth();
        return "{\"connect\": " + t.connect() + ", \"connect-udp\": " + t.connectUdp() + ", \"auth\": {\"required\": "
                + auth.required() + ", \"tokens\": " + auth.tokensSha256().size() + ", \"client-ca\": "
                + (auth.clientCa() == null ? "null" : quote(auth.clientCa().toString())) + "}, \"egress\": {\"allow\": "
                + list(t.egress().allow()) + ", \"deny\": " + list(t.egress().deny()) + "}}";
    }

    private static String list(List<String> items) {
        return "[" + items.stream().map(ConfigView::quote).collect(Collectors.joining(", ")) + "]";
    }

    private static StringBuilder field(StringBuilder j, String name, String value) {
        return j.append("  ").append(quote(name)).append(": ").append(value);
    }

    /** {@code s} as a JSON string literal. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder q = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                q.append('\\').append(ch);
            } else if (ch < 0x20) {
                q.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            } else {
                q.append(ch);
            }
        }
        return q.append('"').toString();
    }
}
