package dev.ferry.tcpingress;

import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.headers.FieldSectionParser;
import dev.ferry.bridge.headers.FieldSyntax;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a parsed HTTP/1.1 request head into the relay's {@link RequestHead} and its body framing, under the rules
 * of RFC 9112 that decide where a request ends, and so whether a second request can hide inside the first:
 * Transfer-Encoding and Content-Length together, a repeated or malformed Content-Length, a transfer coding other
 * than a final {@code chunked}, or Transfer-Encoding in HTTP/1.0 are all refused (RFC 9112 6.1, 6.3). The request
 * target decides the authority (RFC 9112 3.2): Host for origin-form, the target itself for absolute-form, in which
 * case Host is replaced. The result then goes through the same {@link FieldSectionParser} as an HTTP/2 or HTTP/3
 * request, so that the checks after framing are the same on every version.
 */
final class Http1Requests {
    /** What the rest of the connection needs to know about one request. */
    record Parsed(RequestHead head, long contentLength, boolean chunked, boolean keepAlive, boolean headMethod) {
    }

    private static final Pattern ABSOLUTE = Pattern.compile("(?i)(https?)://([^/?#]*)([^#]*)");
    private static final Set<String> CONNECTION_SPECIFIC =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te");
    private static final int MAX_CONTENT_LENGTH_DIGITS = 18;

    private Http1Requests() {
    }

    /** @throws ProxyException 400 (or 501 for an unknown transfer coding) with the rule broken */
    static Parsed toRequest(Http1RequestParser.Head raw) {
        boolean http10 = raw.version().equals("HTTP/1.0");
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        List<String> lengths = new ArrayList<>();
        List<String> codings = new ArrayList<>();
        Set<String> connectionOptions = new HashSet<>();
        boolean teTrailers = false;
        for (Map.Entry<String, String> field : raw.fields()) {
            String name = field.getKey().toLowerCase(Locale.ROOT);
            String value = field.getValue();
            switch (name) {
                case "host" -> hosts.add(value);
                case "content-length" -> lengths.add(value);
                case "transfer-encoding" -> codings.addAll(list(value));
                case "connection" -> connectionOptions.addAll(list(value));
                case "te" -> teTrailers |= list(value).contains("trailers");
                default -> {
                }
            }
            fields.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
        }

        // ---- framing (RFC 9112 6) ----
        boolean chunked = false;
        long contentLength = -1;
        if (!codings.isEmpty()) {
            if (http10) {
                throw ProxyException.badRequest("Transfer-Encoding in an HTTP/1.0 request");
            }
            if (!lengths.isEmpty()) {
                throw ProxyException.badRequest("both Transfer-Encoding and Content-Length");
            }
            if (codings.indexOf("chunked") != codings.size() - 1 || codings.lastIndexOf("chunked") != codings.indexOf("chunked")) {
                throw ProxyException.badRequest("chunked is not the final transfer coding, or appears twice: "
                        + FieldSyntax.printable(String.join(", ", codings)));
            }
            if (codings.size() > 1) {
                throw ProxyException.badRequest(501, "transfer coding not supported: "
                        + FieldSyntax.printable(codings.get(0)));
            }
            chunked = true;
        } else if (!lengths.isEmpty()) {
            if (lengths.size() > 1) {
                throw ProxyException.badRequest("more than one Content-Length field");
            }
            contentLength = contentLength(lengths.get(0));
        }

        // ---- target and authority (RFC 9112 3.2) ----
        String authority;
        String path;
        String scheme = "https";
        String target = raw.target();
        if (hosts.size() > 1) {
            throw ProxyException.badRequest("more than one Host field");
        }
        if ("CONNECT".equals(raw.method())) {
            return connect(raw, target, fields, connectionOptions, chunked || contentLength > 0);
        }
        if (hosts.isEmpty() && !http10) {
            throw ProxyException.badRequest("HTTP/1.1 request without a Host field");
        }
        if (target.startsWith("/")) {
            if (hosts.isEmpty()) {
                throw ProxyException.badRequest("request without a Host field or an absolute target");
            }
            authority = hosts.get(0);
            path = target;
        } else if (target.equals("*")) {
            if (!"OPTIONS".equals(raw.method())) {
                throw ProxyException.badRequest("asterisk-form target for " + raw.method());
            }
            authority = hosts.isEmpty() ? null : hosts.get(0);
            path = "*";
        } else {
            Matcher m = ABSOLUTE.matcher(target);
            if (!m.matches() || m.group(2).isEmpty() || m.group(2).indexOf('@') >= 0) {
                throw ProxyException.badRequest("invalid request target " + FieldSyntax.printable(target));
            }
            scheme = m.group(1).toLowerCase(Locale.ROOT);
            authority = m.group(2);
            path = m.group(3).isEmpty() ? "/" : m.group(3);
            // RFC 9112 3.2.2: the target's authority wins; Host is replaced by it.
            fields.removeIf(f -> f.getKey().equals("host"));
            fields.add(new AbstractMap.SimpleImmutableEntry<>("host", authority));
        }
        if (authority == null || authority.isEmpty()) {
            throw ProxyException.badRequest("empty Host field");
        }

        // ---- the field section as HTTP/2 and HTTP/3 would carry it ----
        List<Map.Entry<String, String>> section = new ArrayList<>();
        section.add(Map.entry(":method", raw.method()));
        section.add(Map.entry(":scheme", scheme));
        section.add(Map.entry(":authority", authority));
        section.add(Map.entry(":path", path));
        for (Map.Entry<String, String> field : fields) {
            String name = field.getKey();
            if (CONNECTION_SPECIFIC.contains(name) || connectionOptions.contains(name)) {
                continue;
            }
            if (name.equals("content-length") && chunked) {
                continue;
            }
            section.add(field);
        }
        if (teTrailers) {
            section.add(Map.entry("te", "trailers"));
        }
        RequestHead head = FieldSectionParser.parse(section);
        boolean keepAlive = http10 ? connectionOptions.contains("keep-alive") : !connectionOptions.contains("close");
        return new Parsed(head, contentLength, chunked, keepAlive, "HEAD".equals(raw.method()));
    }

    /**
     * CONNECT (RFC 9110 9.3.6, RFC 9112 3.2.3): the target is {@code host:port} (authority-form), the request has
     * no content, and after a 2xx the connection carries the tunnel's bytes. Host, when sent, must name the same.
     */
    private static Parsed connect(Http1RequestParser.Head raw, String target, List<Map.Entry<String, String>> fields,
                                  Set<String> connectionOptions, boolean hasBody) {
        if (target.startsWith("/") || target.contains("/") || target.indexOf(':') < 0) {
            throw ProxyException.badRequest("CONNECT needs host:port, got " + FieldSyntax.printable(target));
        }
        if (hasBody) {
            throw ProxyException.badRequest("CONNECT with a request body");
        }
        List<Map.Entry<String, String>> section = new ArrayList<>();
        section.add(Map.entry(":method", "CONNECT"));
        section.add(Map.entry(":authority", target));
        for (Map.Entry<String, String> field : fields) {
            String name = field.getKey();
            if (!CONNECTION_SPECIFIC.contains(name) && !connectionOptions.contains(name)) {
                section.add(field);
            }
        }
        return new Parsed(FieldSectionParser.parse(section), -1, false, false, false);
    }

    /** Trailer fields with their names in lower case, as the relay's other versions deliver them. */
    static List<Map.Entry<String, String>> lowerCaseNames(List<Map.Entry<String, String>> fields) {
        List<Map.Entry<String, String>> out = new ArrayList<>(fields.size());
        for (Map.Entry<String, String> f : fields) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(f.getKey().toLowerCase(Locale.ROOT), f.getValue()));
        }
        return out;
    }

    private static long contentLength(String value) {
        if (value.isEmpty() || value.length() > MAX_CONTENT_LENGTH_DIGITS) {
            throw ProxyException.badRequest("invalid Content-Length " + FieldSyntax.printable(value));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw ProxyException.badRequest("invalid Content-Length " + FieldSyntax.printable(value));
            }
        }
        return Long.parseLong(value);
    }

    /** The lower-case elements of a comma-separated list, empty ones skipped (RFC 9110 5.6.1). */
    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String element = FieldSyntax.trimOws(part).toLowerCase(Locale.ROOT);
            if (!element.isEmpty()) {
                out.add(element);
            }
        }
        return out;
    }
}
