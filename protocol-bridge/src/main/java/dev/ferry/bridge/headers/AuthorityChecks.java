package dev.ferry.bridge.headers;

import dev.ferry.bridge.error.ProxyException;

import static dev.ferry.bridge.headers.FieldSyntax.printable;

/**
 * The shape of an :authority or Host value: {@code host [ ":" port ]} with host a reg-name, an IPv4 address or a
 * bracketed IP literal (RFC 3986 section 3.2), and no userinfo (RFC 9114 section 4.3.1 forbids it for http and
 * https; the authority-form of CONNECT has none either, RFC 9110 section 9.3.6).
 *
 * <p>The port, when the colon is there, is 1 to 5 digits with a value of 0 to 65535. RFC 3986 would allow an empty
 * port and any number of digits; the relay refuses both, because an origin or a cache behind it may read
 * {@code host:} or {@code host:099999} differently from the relay's routing (RFC 9110 4.2.1 treats an empty port as
 * the default, other parsers do not), and that difference is what request smuggling is made of.
 */
final class AuthorityChecks {
    private AuthorityChecks() {
    }

    /** @throws dev.ferry.bridge.error.ProxyException when {@code authority} is not host[:port] */
    static void check(String authority) {
        check(authority, ":authority");
    }

    /**
     * @param field the field the value came from, for the message (":authority" or "host")
     * @throws dev.ferry.bridge.error.ProxyException when {@code authority} is not host[:port]
     */
    static void check(String authority, String field) {
        if (authority.isEmpty()) {
            throw ProxyException.badRequest("empty " + field);
        }
        if (authority.indexOf('@') >= 0) {
            throw ProxyException.badRequest("userinfo in " + field + " " + printable(authority));
        }
        for (int i = 0; i < authority.length(); i++) {
            if (!isAuthorityChar(authority.charAt(i))) {
                throw ProxyException.badRequest("invalid character in " + field + " " + printable(authority));
            }
        }
        int portStart = portStart(authority);
        if (portStart < 0) {
            throw ProxyException.badRequest("malformed " + field + " " + printable(authority));
        }
        if (portStart == 0 || (portStart == 1 && authority.charAt(0) == ':')) {
            throw ProxyException.badRequest("empty host in " + field + " " + printable(authority));
        }
        if (portStart == authority.length()) {
            if (authority.charAt(portStart - 1) == ':') {
                throw ProxyException.badRequest("empty port in " + field + " " + printable(authority));
            }
            return;
        }
        for (int i = portStart; i < authority.length(); i++) {
            char c = authority.charAt(i);
            if (c < '0' || c > '9') {
                throw ProxyException.badRequest("invalid port in " + field + " " + printable(authority));
            }
        }
        if (authority.length() - portStart > 5 || Integer.parseInt(authority.substring(portStart)) > 65535) {
            throw ProxyException.badRequest("port out of range (0-65535) in " + field + " " + printable(authority));
        }
    }

    /** True when {@code authority} (already {@link #check checked}) ends in a port from 1 to 65535. */
    static boolean hasValidPort(String authority) {
        int start = portStart(authority);
        if (start < 0 || start >= authority.length() || authority.length() - start > 5
                || authority.charAt(start - 1) != ':') {
            return false;
        }
        int port = Integer.parseInt(authority.substring(start));
        return port >= 1 && port <= 65535;
    }

    /**
     * The index where the port digits start (the length of the string when there is no port), or -1 when the
     * brackets or colons are misplaced.
     */
    private static int portStart(String authority) {
        int hostEnd;
        if (authority.charAt(0) == '[') {
            int close = authority.indexOf(']');
            if (close < 2 || authority.indexOf('[', 1) >= 0 || authority.indexOf(']', close + 1) >= 0) {
                return -1;
            }
            hostEnd = close + 1;
        } else {
            if (authority.indexOf('[') >= 0 || authority.indexOf(']') >= 0) {
                return -1;
            }
            int colon = authority.indexOf(':');
            if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
                return -1;
            }
            hostEnd = colon >= 0 ? colon : authority.length();
        }
        if (hostEnd == authority.length()) {
            return hostEnd;
        }
        if (authority.charAt(hostEnd) != ':') {
            return -1;
        }
        return hostEnd + 1;
    }

    /** unreserved, pct-encoded, sub-delims, ":" and the brackets of an IP literal (RFC 3986 3.2.2). */
    private static boolean isAuthorityChar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "-._~%!$&'()*+,;=:[]".indexOf(c) >= 0;
    }
}
