package dev.ferry.bridge.headers;

import io.netty.handler.codec.http.HttpHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Removes the fields that describe one connection rather than the message, before a message is forwarded.
 *
 * <p>RFC 9110 section 7.6.1: an intermediary removes the Connection field and every field it names, and the
 * fields known to be connection-specific without being named: Proxy-Connection, Keep-Alive, TE, Transfer-Encoding
 * and Upgrade. RFC 9113 section 8.2.2 and RFC 9114 section 4.2 make TE the one exception on HTTP/2 and HTTP/3:
 * "te: trailers" may travel on, so {@link #strip(HttpHeaders, boolean)} keeps it when the next hop speaks one of
 * those.
 *
 * <p>Proxy-Authorization and Proxy-Authenticate are also meant for the proxy, but they are left here unless the
 * Connection field names them: the hook that authenticates clients decides what happens to them. Trailer is
 * end-to-end in RFC 9110 (section 6.6.2) and is kept.
 */
public final class HopByHopFields {
    private static final List<String> ALWAYS =
            List.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te");

    private HopByHopFields() {
    }

    /** Strips every hop-by-hop field, TE included: for an HTTP/1.1 next hop and for responses. */
    public static void strip(HttpHeaders h) {
        strip(h, false);
    }

    /**
     * Strips every hop-by-hop field; with {@code keepTeTrailers} a TE field whose list holds "trailers" is kept as
     * exactly "te: trailers", the only TE an HTTP/2 or HTTP/3 request may carry (RFC 9113 8.2.2, RFC 9114 4.2).
     * The TE decision does not depend on whether the Connection field names TE, which HTTP/1.1 requires
     * (RFC 9110 10.1.4).
     */
    public static void strip(HttpHeaders h, boolean keepTeTrailers) {
        boolean keepTe = keepTeTrailers && teListsTrailers(h.getAll("te"));
        // Read the Connection list before removing the Connection field itself.
        for (String name : connectionOptions(h)) {
            h.remove(name);
        }
        for (String name : ALWAYS) {
            h.remove(name);
        }
        if (keepTe) {
            h.set("te", "trailers");
        }
    }

    /** The lower-case field names that the Connection fields of {@code h} list, in order. */
    static List<String> connectionOptions(HttpHeaders h) {
        List<String> names = new ArrayList<>();
        for (String value : h.getAll("connection")) {
            for (String option : value.split(",")) {
                String name = FieldSyntax.trimOws(option).toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** True when a TE list member is the "trailers" keyword (RFC 9110 10.1.4; keywords are case-insensitive). */
    private static boolean teListsTrailers(List<String> values) {
        for (String value : values) {
            for (String member : value.split(",")) {
                int semi = member.indexOf(';');
                String coding = FieldSyntax.trimOws(semi < 0 ? member : member.substring(0, semi));
                if ("trailers".equalsIgnoreCase(coding)) {
                    return true;
                }
            }
        }
        return false;
    }
}
