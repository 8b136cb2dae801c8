package dev.ferry.testorigin;

import java.util.List;

/**
 * The built-in origin's endpoint table: turns a method and request target into a {@link Route}, and renders the
 * small fixed bodies. Kept apart from the protocol handlers so that HTTP/1.1 and HTTP/2 serve exactly the same
 * endpoints and differ only in framing.
 *
 * <pre>
 * GET  /                 welcome text with a method/target/protocol echo
 * GET  /bytes/{n}        n pattern bytes ({@link PatternBytes}); ?chunked=1 omits content-length
 * POST|PUT /echo         streams the request body back; trailer x-body-bytes where the framing allows
 * POST|PUT /sink         consumes the body, answers "{count}\n", x-body-bytes and x-body-sha256
 * GET  /headers          the received header fields, one "name: value" per line
 * any  /hang             never answers
 * GET  /die/{n}          announces 2n bytes, sends n, then breaks the connection (HTTP/2: resets the stream)
 * any  /status/{code}    that status (200-599) with a short body
 * GET  /trailers         "ok\n" then trailers x-trailer-one: 1 and x-checksum: abc
 * any  /too-early        425 (Too Early, RFC 8470) when the request carries Early-Data: 1, else 200 "not early\n"
 * GET  /hop-fields       200 "hop fields\n" with x-kept: yes and, on HTTP/1.1 only, hop-by-hop fields a relay must
 *                        drop: Connection: x-private-hop, keep-alive; Keep-Alive; X-Private-Hop; Proxy-Connection
 * </pre>
 * HEAD is not served (405): the endpoints exist to move bodies.
 */
final class OriginRoutes {

    enum Kind { FIXED, BYTES, ECHO, SINK, HANG, DIE, TRAILERS, HOP_FIELDS }

    /**
     * A resolved request. For {@link Kind#FIXED} and {@link Kind#HOP_FIELDS} {@code status} and {@code body} are
     * the whole answer (the latter with {@link #HOP_FIELDS_KEPT} and, on HTTP/1.1, hop-by-hop fields); for
     * {@link Kind#BYTES} and {@link Kind#DIE} {@code n} is the byte count.
     */
    record Route(Kind kind, int status, String body, long n, boolean chunked) {
        static Route fixed(int status, String body) {
            return new Route(Kind.FIXED, status, body, 0, false);
        }

        static Route of(Kind kind) {
            return new Route(kind, 200, "", 0, false);
        }

        /** Whether a fixed answer must go without a body (RFC 9110 6.4.1). */
        boolean bodyless() {
            return status == 204 || status == 304;
        }
    }

    static final String CONTENT_TYPE_TEXT = "text/plain; charset=utf-8";
    static final String CONTENT_TYPE_BYTES = "application/octet-stream";
    static final String BODY_BYTES_HEADER = "x-body-bytes";
    /** The end-to-end field {@code /hop-fields} sends beside the hop-by-hop ones, so a relay is seen to keep it. */
    static final String HOP_FIELDS_KEPT = "x-kept";

    private OriginRoutes() {
    }

    static Route resolve(String method, String target, String protocol, List<RecordedRequest.Header> headers) {
        String path = pathOf(target);
        String query = queryOf(target);
        if ("HEAD".equals(method)) {
            return Route.fixed(405, "405 method not allowed\n");
        }
        if (path.equals("/")) {
            return get(method, Route.fixed(200, "Ferry built-in origin\nmethod: " + method + "\npath: " + target
                    + "\nprotocol: " + protocol + "\n"));
        }
        if (path.equals("/echo") || path.equals("/sink")) {
            if (!method.equals("POST") && !method.equals("PUT")) {
                return Route.fixed(405, "405 method not allowed\n");
            }
            return Route.of(path.equals("/echo") ? Kind.ECHO : Kind.SINK);
        }
        if (path.equals("/headers")) {
            StringBuilder sb = new StringBuilder();
            for (RecordedRequest.Header h : headers) {
                sb.append(h.name()).append(": ").append(h.value()).append('\n');
            }
            return get(method, Route.fixed(200, sb.toString()));
        }
        if (path.equals("/too-early")) {
            boolean early = headers.stream()
                    .anyMatch(h -> h.name().equalsIgnoreCase("early-data") && h.value().trim().equals("1"));
            return early ? Route.fixed(425, "425 too early\n") : Route.fixed(200, "not early\n");
        }
        if (path.equals("/hop-fields")) {
            return get(method, new Route(Kind.HOP_FIELDS, 200, "hop fields\n", 0, false));
        }
        if (path.equals("/hang")) {
            return Route.of(Kind.HANG);
        }
        if (path.equals("/trailers")) {
            return get(method, Route.of(Kind.TRAILERS));
        }
        if (path.startsWith("/bytes/") || path.startsWith("/die/")) {
            boolean bytes = path.startsWith("/bytes/");
            long n = parseLong(path.substring(bytes ? 7 : 5));
            if (n < 0 || (!bytes && n > Long.MAX_VALUE / 2)) {
                return Route.fixed(400, "400 bad byte count\n");
            }
            boolean chunked = bytes && (query.equals("chunked=1") || query.contains("&chunked=1")
                    || query.startsWith("chunked=1&"));
            return get(method, new Route(bytes ? Kind.BYTES : Kind.DIE, 200, "", n, chunked));
        }
        if (path.startsWith("/status/")) {
            long code = parseLong(path.substring(8));
            if (code < 200 || code > 599) {
                return Route.fixed(400, "400 status must be 200-599\n");
            }
            return Route.fixed((int) code, code + "\n");
        }
        return Route.fixed(404, "404 not found: " + path + "\n");
    }

    private static Route get(String method, Route route) {
        return method.equals("GET") ? route : Route.fixed(405, "405 method not allowed\n");
    }

    /** The path of an origin-form or absolute-form target ("http://host/p?q" gives "/p"). */
    static String pathOf(String target) {
        String t = target;
        int scheme = t.indexOf("://");
        if (!t.startsWith("/") && scheme > 0) {
            int slash = t.indexOf('/', scheme + 3);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        int q = t.indexOf('?');
        int end = q < 0 ? t.length() : q;
        int hash = t.indexOf('#');
        if (hash >= 0 && hash < end) {
            end = hash;
        }
        return t.substring(0, end);
    }

    private static String queryOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }

    private static long parseLong(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }
}
