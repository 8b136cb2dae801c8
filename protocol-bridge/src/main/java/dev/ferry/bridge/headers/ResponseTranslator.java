package dev.ferry.bridge.headers;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.ResponseHead;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;
import java.util.Map;

/**
 * Turns an origin response head (from HTTP/1.1, HTTP/2 or HTTP/3) into the head the client gets over HTTP/3.
 *
 * <p>Names become lower case (RFC 9114 section 4.2); hop-by-hop fields go (RFC 9110 section 7.6.1), Transfer-Encoding
 * among them since HTTP/3 frames the body with DATA frames; a field that an HTTP/3 section cannot carry (a name
 * that is not a token, a value with CR, LF or NUL) is dropped rather than forwarded, since forwarding it would make
 * the response malformed (RFC 9114 4.2, RFC 9110 5.5). Content-Length is dropped where RFC 9110 section 8.6 forbids
 * it (1xx, 204, 2xx to CONNECT), and when the origin sent Transfer-Encoding too, which overrides it
 * (RFC 9112 section 6.3); otherwise a list of identical values becomes one and differing values are an origin
 * protocol error (RFC 9112 6.3 asks a proxy to answer 502). Alt-Svc is dropped. Via is appended last, when enabled.
 */
public final class ResponseTranslator {
    private ResponseTranslator() {
    }

    /** {@link #fromOrigin(int, HttpHeaders, String, String, boolean, boolean)} for a response to a non-CONNECT. */
    public static ResponseHead.Builder fromOrigin(int status, HttpHeaders originHeaders, String originProtocolVersion,
                                                  String pseudonym, boolean viaEnabled) {
        return fromOrigin(status, originHeaders, originProtocolVersion, pseudonym, viaEnabled, false);
    }

    /**
     * Builds the client response head from an origin response.
     *
     * @param originProtocolVersion the version the origin answered with ("HTTP/1.1", "2", "3"), for Via
     * @param pseudonym             this proxy's Via name; only read when {@code viaEnabled}
     * @param connect               true when the request was a CONNECT (classic or extended)
     * @throws ProxyException of type {@code HTTP_PROTOCOL_ERROR} when the status is outside 100..599
     *                        (RFC 9110 section 15) or the Content-Length values are invalid
     */
    public static ResponseHead.Builder fromOrigin(int status, HttpHeaders originHeaders, String originProtocolVersion,
                                                  String pseudonym, boolean viaEnabled, boolean connect) {
        if (status < 100 || status > 599) {
            throw originError("status " + status + " outside 100..599");
        }
        HttpHeaders lower = new DefaultHttpHeaders(false);
        FieldSyntax.copyLowerCase(originHeaders, lower);
        if (lower.contains("transfer-encoding")) {
            lower.remove("content-length");
        }
        HopByHopFields.strip(lower, false);
        // The origin's Alt-Svc names its own alternatives (RFC 7838), which a client of the relay cannot use; the
        // relay's listeners advertise their own.
        lower.remove("alt-svc");

        ResponseHead.Builder b = ResponseHead.builder(status);
        HttpHeaders out = b.headers();
        copyCarriable(lower, out);
        boolean noContentLength = status < 200 || status == 204 || (connect && status < 300);
        if (noContentLength) {
            out.remove("content-length");
        } else {
            List<String> lengths = out.getAll("content-length");
            if (!lengths.isEmpty()) {
                try {
                    FieldSyntax.replaceInPlace(out, "content-length",
                            Long.toString(FieldSyntax.parseContentLength(lengths)));
                } catch (IllegalArgumentException e) {
                    throw originError(e.getMessage());
                }
            }
        }
        if (viaEnabled) {
            ViaField.append(out, originProtocolVersion, pseudonym);
        }
        return b;
    }

    /**
     * The origin's trailers as the client gets them: names lower case, no pseudo-header fields, no hop-by-hop
     * fields, no Content-Length or Transfer-Encoding (framing fields have no meaning after the body, RFC 9110
     * section 6.5.1), nothing an HTTP/3 section cannot carry. Returns a new HttpHeaders.
     */
    public static HttpHeaders trailersFromOrigin(HttpHeaders trailers) {
        HttpHeaders lower = new DefaultHttpHeaders(false);
        FieldSyntax.copyLowerCase(trailers, lower);
        HopByHopFields.strip(lower, false);
        lower.remove("content-length");
        HttpHeaders out = new DefaultHttpHeaders(false);
        copyCarriable(lower, out);
        return out;
    }

    /** Copies the fields an HTTP/3 field section can carry, values without surrounding whitespace. */
    private static void copyCarriable(HttpHeaders src, HttpHeaders dst) {
        for (Map.Entry<String, String> e : src) {
            String name = e.getKey();
            String value = e.getValue();
            // Pseudo-header names start with ':' and are not tokens, so they go here too.
            if (!FieldSyntax.isToken(name) || FieldSyntax.hasForbiddenValueChar(value)) {
                continue;
            }
            dst.add(name, FieldSyntax.trimOws(value));
        }
    }

    private static ProxyException originError(String detail) {
        return new ProxyException(ProxyErrorType.HTTP_PROTOCOL_ERROR, ProxyException.Side.ORIGIN, false,
                "origin response: " + detail);
    }
}
