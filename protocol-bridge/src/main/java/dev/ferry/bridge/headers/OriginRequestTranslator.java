package dev.ferry.bridge.headers;

import dev.ferry.bridge.exchange.RequestHead;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.Map;

/**
 * Turns the origin request head into the header block an origin receives over HTTP/1.1, HTTP/2 or HTTP/3.
 *
 * <p>The rules: :authority wins over Host when both exist (RFC 9113 section 8.3.1, RFC 9114 section 4.3.1), so
 * HTTP/1.1 gets a Host field built from :authority and HTTP/2 and HTTP/3 get no Host field beside :authority;
 * hop-by-hop fields go (RFC 9110 section 7.6.1), TE surviving only as "trailers" towards HTTP/2 and HTTP/3;
 * repeated Cookie fields are joined with "; " for HTTP/1.1 (RFC 9114 4.2.1, RFC 9113 8.2.3), which has a single
 * Cookie field (RFC 6265 section 5.4). The head given is never changed.
 */
public final class OriginRequestTranslator {
    private OriginRequestTranslator() {
    }

    /**
     * The header block of an HTTP/1.1 request: Host first (RFC 9112 section 3.2 asks for it early and an empty
     * one when the target has no authority), then the other fields in order with the Cookie fields joined where
     * the first one stood.
     */
    public static HttpHeaders toHttp1(RequestHead originRequest) {
        HttpHeaders src = new DefaultHttpHeaders(false);
        FieldSyntax.copyLowerCase(originRequest.headers(), src);
        HopByHopFields.strip(src, false);

        HttpHeaders out = new DefaultHttpHeaders(false);
        String host = originRequest.authority() != null ? originRequest.authority() : src.get("host");
        out.add("host", host == null ? "" : host);
        boolean cookieWritten = false;
        for (Map.Entry<String, String> e : src) {
            String name = e.getKey();
            if ("host".equals(name)) {
                continue;
            }
            if ("cookie".equals(name)) {
                if (!cookieWritten) {
                    out.add("cookie", String.join("; ", src.getAll("cookie")));
                    cookieWritten = true;
                }
                continue;
            }
            out.add(name, e.getValue());
        }
        return out;
    }

    /**
     * The regular fields of an HTTP/2 or HTTP/3 request, names lower case (RFC 9113 8.2.1, RFC 9114 4.2); the
     * caller builds the pseudo-header fields from the head. Cookie fields stay separate, which both allow and
     * which compresses better (RFC 9113 8.2.3).
     */
    public static HttpHeaders toHttp2(RequestHead originRequest) {
        HttpHeaders out = new DefaultHttpHeaders(false);
        FieldSyntax.copyLowerCase(originRequest.headers(), out);
        HopByHopFields.strip(out, true);
        if (originRequest.authority() != null) {
            out.remove("host");
        }
        return out;
    }

    /**
     * The request-target of an HTTP/1.1 request line (RFC 9112 section 3.2): authority-form for CONNECT,
     * asterisk-form for "OPTIONS *", origin-form otherwise. Extended CONNECT (RFC 9220) has no CONNECT form in
     * HTTP/1.1, where it becomes an Upgrade request for its path, so its target is the path.
     *
     * @throws IllegalArgumentException when the head has no target of the needed form
     */
    public static String requestTarget(RequestHead h) {
        if (h.isConnect() && h.protocol() == null) {
            if (h.authority() == null) {
                throw new IllegalArgumentException("CONNECT request without authority");
            }
            return h.authority();
        }
        if (h.path() == null) {
            throw new IllegalArgumentException(h.method() + " request without path");
        }
        return h.path();
    }
}
