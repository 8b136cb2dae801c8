package dev.ferry.bridge.tunnel;

import java.util.Locale;
import java.util.Objects;

/**
 * The UDP target a CONNECT-UDP request names through the {@code target_host} and {@code target_port} variables of
 * its URI template (RFC 9298 section 2), after percent-decoding. Not yet resolved.
 *
 * <p>The constructor validates both values, so a target that exists is well formed. RFC 9298 section 2 allows a host
 * that is an IPv6 literal (RFC 3986 {@code IPv6address}: no brackets, no zone identifier), an IPv4 literal or a DNS
 * name. This class takes DNS names as LDH labels of 1..63 characters and at most 253 characters in all (RFC 1035
 * section 2.3.1, RFC 1123 section 2.1), so internationalised names arrive in their A-label form; a host made only of
 * digits and dots must be a dotted-quad IPv4 address without leading zeros, because resolvers read forms such as
 * {@code 127.1} or {@code 010.0.0.1} as addresses in ways that differ from one library to the next. Hosts are
 * lower-cased (DNS names and IPv6 hex digits are case-insensitive) so that policy checks compare like with like.
 *
 * @param host the host: a DNS name, a dotted-quad IPv4 address or an IPv6 address without brackets
 * @param port the UDP port, 1..65535
 */
public record ConnectUdpTarget(String host, int port) {

    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;

    /** @throws IllegalArgumentException with a message saying what is wrong with the host or port */
    public ConnectUdpTarget {
        Objects.requireNonNull(host, "host");
        checkHost(host);
        host = host.toLowerCase(Locale.ROOT);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("target_port " + port + " out of range (expected: 1..65535)");
        }
    }

    /** Returns true if the host is an IPv6 literal. */
    public boolean isIpv6() {
        return host.indexOf(':') >= 0;
    }

    /** Returns true if the host is an IPv4 or IPv6 literal, false for a DNS name. */
    public boolean isIpLiteral() {
        return isIpv6() || isIpv4(host);
    }

    /** Returns host:port, with brackets around an IPv6 literal, as in an authority (RFC 3986 section 3.2). */
    public String authority() {
        return isIpv6() ? '[' + host + "]:" + port : host + ':' + port;
    }

    @Override
    public String toString() {
        return authority();
    }

    private static void checkHost(String host) {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty target_host");
        }
        if (host.indexOf('%') >= 0) {
            throw new IllegalArgumentException("target_host '" + host
                    + "': IPv6 zone identifiers are not supported (RFC 9298 section 2)");
        }
        if (host.indexOf(':') >= 0) {
            if (!isIpv6(host)) {
                throw new IllegalArgumentException("target_host '" + host + "' is not a valid IPv6 address");
            }
            return;
        }
        if (onlyDigitsAndDots(host)) {
            if (!isIpv4(host)) {
                throw new IllegalArgumentException("target_host '" + host
                        + "' is not a valid dotted-quad IPv4 address");
            }
            return;
        }
        checkDnsName(host);
    }

    private static void checkDnsName(String host) {
        if (host.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("target_host is " + host.length()
                    + " characters long, more than the " + MAX_NAME_LENGTH + " a DNS name may have");
        }
        int start = 0;
        while (true) {
            int dot = host.indexOf('.', start);
            int end = dot < 0 ? host.length() : dot;
            String label = host.substring(start, end);
            if (label.isEmpty() || label.length() > MAX_LABEL_LENGTH) {
                throw new IllegalArgumentException("target_host '" + host + "': DNS label of " + label.length()
                        + " characters (expected: 1.." + MAX_LABEL_LENGTH + ")");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ldh = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-';
                if (!ldh) {
                    throw new IllegalArgumentException("target_host '" + host + "': invalid character "
                            + describe(c) + " in a DNS name (expected letters, digits, '-' and '.')");
                }
            }
            if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
                throw new IllegalArgumentException("target_host '" + host + "': DNS label '" + label
                        + "' starts or ends with '-'");
            }
            if (dot < 0) {
                return;
            }
            start = dot + 1;
        }
    }

    private static boolean onlyDigitsAndDots(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3986 {@code IPv4address}: four dec-octets, no leading zeros. */
    static boolean isIpv4(String s) {
        String[] octets = s.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !onlyDigitsAndDots(octet) || octet.indexOf('.') >= 0
                    || octet.length() > 1 && octet.charAt(0) == '0' || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3986 {@code IPv6address} (RFC 4291 section 2.2): eight groups, one "::", an IPv4 tail allowed. */
    static boolean isIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        String[] head = pieces(gap < 0 ? s : s.substring(0, gap));
        String[] tail = gap < 0 ? new String[0] : pieces(s.substring(gap + 2));
        int groups = 0;
        for (int i = 0; i < head.length + tail.length; i++) {
            String piece = i < head.length ? head[i] : tail[i - head.length];
            boolean last = i == head.length + tail.length - 1;
            if (last && piece.indexOf('.') >= 0) {
                if (!isIpv4(piece)) {
                    return false;
                }
                groups += 2;
            } else if (isHexGroup(piece)) {
                groups++;
            } else {
                return false;
            }
        }
        return gap < 0 ? groups == 8 : groups <= 7;
    }

    private static String[] pieces(String s) {
        return s.isEmpty() ? new String[0] : s.split(":", -1);
    }

    private static boolean isHexGroup(String piece) {
        if (piece.isEmpty() || piece.length() > 4) {
            return false;
        }
        for (int i = 0; i < piece.length(); i++) {
            if (Character.digit(piece.charAt(i), 16) < 0 || piece.charAt(i) > 'f') {
                return false;
            }
        }
        return true;
    }

    static String describe(char c) {
        return c >= 0x21 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
