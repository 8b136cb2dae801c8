package dev.ferry.bridge.headers;

import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.RequestHead;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.ferry.bridge.headers.FieldSyntax.printable;

/**
 * Turns a decoded HTTP/3 or HTTP/2 request field section into a {@link RequestHead}, or rejects it as malformed.
 * Both versions carry the request line in the same pseudo-header fields under the same rules (RFC 9114 4.3 and
 * RFC 9113 8.3), which is why this lives in the protocol-neutral bridge and not in the HTTP/3 listener; the RFC 9114
 * section numbers below have RFC 9113 counterparts in its section 8.
 *
 * <p>RFC 9114 section 4.1.2 requires a malformed request to be answered with a stream error; the relay answers
 * 400 instead when it still can, via {@link ProxyException#badRequest(String)}, so every check here throws that
 * with a detail that names the rule broken. The checks are those of RFC 9114 4.2 (field names, connection-specific
 * fields, TE), 4.3.1 (pseudo-header fields and :authority versus Host), 4.4 (CONNECT), RFC 9220 section 4
 * (extended CONNECT), RFC 9110 5.5 (field values) and RFC 9110 8.6 (Content-Length).
 *
 * <p>The head keeps the regular fields in wire order and keeps repeated Cookie fields apart: they are joined only
 * when the request goes to an HTTP/1.1 origin ({@link OriginRequestTranslator#toHttp1}). When the request has a
 * Host field but no :authority, the head's authority stays null and the Host field stays in the headers.
 */
public final class FieldSectionParser {
    private FieldSectionParser() {
    }

    /**
     * Parses a request header section in wire order, pseudo-header fields included.
     *
     * @throws ProxyException of type {@code HTTP_REQUEST_ERROR} when the request is malformed
     */
    public static RequestHead parse(
            Iterable<? extends Map.Entry<? extends CharSequence, ? extends CharSequence>> fields) {
        Objects.requireNonNull(fields, "fields");
        String method = null;
        String scheme = null;
        String authority = null;
        String path = null;
        String protocol = null;
        boolean regularSeen = false;
        HttpHeaders headers = new DefaultHttpHeaders(false);
        for (Map.Entry<? extends CharSequence, ? extends CharSequence> field : fields) {
            CharSequence name = field.getKey();
            CharSequence value = field.getValue() == null ? "" : field.getValue();
            if (name == null || name.length() == 0) {
                throw bad("empty field name");
            }
            if (name.charAt(0) != ':') {
                regularSeen = true;
                headers.add(checkRegular(name, value, "request"), value.toString());
                continue;
            }
            // RFC 9114 4.3: pseudo-header fields come first, each once, and only the defined ones.
            String pseudo = name.toString();
            if (regularSeen) {
                throw bad("pseudo-header field " + printable(pseudo) + " after regular field");
            }
            checkValue(pseudo, value);
            String v = value.toString();
            switch (pseudo) {
                case ":method" -> method = once(pseudo, method, v);
                case ":scheme" -> scheme = once(pseudo, scheme, v);
                case ":authority" -> authority = once(pseudo, authority, v);
                case ":path" -> path = once(pseudo, path, v);
                case ":protocol" -> protocol = once(pseudo, protocol, v);
                default -> throw bad("unknown pseudo-header field " + printable(pseudo));
            }
        }

        if (method == null) {
            throw bad("missing :method");
        }
        if (!FieldSyntax.isToken(method)) {
            throw bad("invalid :method " + printable(method));
        }
        boolean connect = "CONNECT".equals(method);
        if (protocol != null) {
            checkExtendedConnect(connect, method, scheme, authority, path, protocol);
        } else if (connect) {
            checkClassicConnect(scheme, authority, path);
        } else {
            checkOrdinary(method, scheme, authority, path, headers);
        }
        checkHost(authority, headers);

        if (headers.contains("content-length")) {
            FieldSyntax.replaceInPlace(headers, "content-length", Long.toString(FieldSyntax.contentLength(headers)));
        }
        return build(method, scheme, authority, path, protocol, headers);
    }

    /**
     * Parses a trailer section: no pseudo-header fields (RFC 9114 4.3), and the same name, value and
     * connection-specific rules as a header section (RFC 9114 4.2).
     *
     * @throws ProxyException of type {@code HTTP_REQUEST_ERROR} when the trailers are malformed
     */
    public static HttpHeaders parseTrailers(
            Iterable<? extends Map.Entry<? extends CharSequence, ? extends CharSequence>> fields) {
        Objects.requireNonNull(fields, "fields");
        HttpHeaders trailers = new DefaultHttpHeaders(false);
        for (Map.Entry<? extends CharSequence, ? extends CharSequence> field : fields) {
            CharSequence name = field.getKey();
            CharSequence value = field.getValue() == null ? "" : field.getValue();
            if (name != null && name.length() > 0 && name.charAt(0) == ':') {
                throw bad("pseudo-header field " + printable(name) + " in trailer section");
            }
            trailers.add(checkRegular(name, value, "trailer section"), value.toString());
        }
        return trailers;
    }

    private static RequestHead build(String method, String scheme, String authority, String path, String protocol,
                                     HttpHeaders headers) {
        RequestHead.Builder b = RequestHead.builder().method(method).scheme(scheme).authority(authority).path(path)
                .protocol(protocol);
        b.headers().set(headers);
        return b.build();
    }

    /** Checks one regular field and returns its name. */
    private static String checkRegular(CharSequence name, CharSequence value, String section) {
        String problem = FieldSyntax.nameProblem(name);
        if (problem != null) {
            throw bad(problem);
        }
        String n = name.toString();
        if (FieldSyntax.CONNECTION_SPECIFIC.contains(n)) {
            throw bad("connection-specific field " + n + " in " + section);
        }
        checkValue(n, value);
        if ("te".equals(n) && !"trailers".contentEquals(value)) {
            throw bad("te field with a value other than trailers: " + printable(value));
        }
        return n;
    }

    private static void checkValue(String name, CharSequence value) {
        String problem = FieldSyntax.valueProblem(value);
        if (problem != null) {
            throw bad(problem + " in value of " + printable(name));
        }
    }

    private static String once(String name, String previous, String value) {
        if (previous != null) {
            throw bad("duplicate pseudo-header field " + name);
        }
        return value;
    }

    private static void checkExtendedConnect(boolean connect, String method, String scheme, String authority,
                                             String path, String protocol) {
        // RFC 9220 section 4 (as RFC 8441 section 4): :protocol only with CONNECT, and then a full target.
        if (!connect) {
            throw bad(":protocol in a " + printable(method) + " request (extended CONNECT requires CONNECT)");
        }
        if (!FieldSyntax.isToken(protocol)) {
            throw bad("invalid :protocol " + printable(protocol));
        }
        require(scheme, ":scheme", "extended CONNECT");
        require(path, ":path", "extended CONNECT");
        require(authority, ":authority", "extended CONNECT");
        checkScheme(scheme);
        checkPath("CONNECT", scheme, path);
        AuthorityChecks.check(authority);
    }

    private static void checkClassicConnect(String scheme, String authority, String path) {
        // RFC 9114 4.4: :scheme and :path omitted, :authority is the host and port to connect to.
        if (scheme != null) {
            throw bad(":scheme in CONNECT request");
        }
        if (path != null) {
            throw bad(":path in CONNECT request");
        }
        require(authority, ":authority", "CONNECT");
        AuthorityChecks.check(authority);
        if (!AuthorityChecks.hasValidPort(authority)) {
            throw bad("CONNECT :authority must be host:port with port 1-65535: " + printable(authority));
        }
    }

    private static void checkOrdinary(String method, String scheme, String authority, String path,
                                      HttpHeaders headers) {
        // RFC 9114 4.3.1: :scheme and :path are required; :authority or Host for schemes with an authority.
        require(scheme, ":scheme", method);
        require(path, ":path", method);
        checkScheme(scheme);
        checkPath(method, scheme, path);
        if (authority != null) {
            AuthorityChecks.check(authority);
        } else if (isHttp(scheme) && !headers.contains("host")) {
            throw bad("missing :authority and host for " + printable(scheme) + " request");
        }
    }

    private static void checkHost(String authority, HttpHeaders headers) {
        List<String> hosts = headers.getAll("host");
        if (hosts.size() > 1) {
            throw bad("multiple host fields");
        }
        if (hosts.size() == 1) {
            AuthorityChecks.check(hosts.get(0), "host");
        }
        // RFC 9114 4.3.1: when both are present they must carry the same value.
        if (authority != null && hosts.size() == 1 && !authority.equalsIgnoreCase(hosts.get(0))) {
            throw bad("host does not match :authority: " + printable(hosts.get(0)) + " vs " + printable(authority));
        }
    }

    private static void checkScheme(String scheme) {
        // RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        boolean ok = !scheme.isEmpty() && isAlpha(scheme.charAt(0));
        for (int i = 1; ok && i < scheme.length(); i++) {
            char c = scheme.charAt(i);
            ok = isAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
        }
        if (!ok) {
            throw bad("invalid :scheme " + printable(scheme));
        }
    }

    private static void checkPath(String method, String scheme, String path) {
        if (path.isEmpty()) {
            throw bad("empty :path");
        }
        if ("*".equals(path)) {
            if (!"OPTIONS".equals(method)) {
                throw bad("asterisk :path in a " + printable(method) + " request (only OPTIONS)");
            }
            return;
        }
        if (isHttp(scheme) && path.charAt(0) != '/') {
            throw bad(":path must start with / for " + printable(scheme) + ": " + printable(path));
        }
        // The path becomes an HTTP/1.1 request-target: whitespace, controls, non-ASCII or a fragment would let
        // one request be read as another there (RFC 9112 3.2, RFC 3986 3.3).
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                throw bad("invalid character in :path " + printable(path));
            }
        }
    }

    private static void require(String value, String name, String what) {
        if (value == null) {
            throw bad("missing " + name + " in " + printable(what) + " request");
        }
    }

    static boolean isHttp(String scheme) {
        return "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static ProxyException bad(String detail) {
        return ProxyException.badRequest(detail);
    }
}
