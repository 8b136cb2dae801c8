package dev.ferry.bridge.net;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A {@code host:port} as written in a configuration file, on a command line or in a CONNECT request's authority:
 * an IPv4 literal, an IPv6 literal in brackets, or a DNS name, then a colon and a port. The one parser of that form
 * in the project, so that every place reports a malformed value the same way and none of them touches DNS.
 *
 * <p>{@link #toSocketAddress()} turns an IP literal into a resolved address and a name into an
 * {@link InetSocketAddress#createUnresolved unresolved} one, resolved when a connection is made: resolving while
 * parsing would make a configuration check depend on the network, freeze an answer whose TTL may be seconds, and
 * stall start-up on a slow resolver.
 *
 * @param host an IP literal (IPv6 without brackets) or a DNS name in lower case
 * @param port 0..65535
 */
public record HostPort(String host, int port) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    /**
     * Parses {@code text}.
     *
     * @param allowPortZero whether port 0 (any free port) is acceptable, as it is for an address to listen on
     * @throws IllegalArgumentException saying what is wrong, with the text
     */
    public static HostPort parse(String text, boolean allowPortZero) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("no port in " + text);
        }
        String host = s.substring(0, colon);
        String portText = s.substring(colon + 1);
        if (host.startsWith("[") != host.endsWith("]")) {
            throw new IllegalArgumentException("unbalanced brackets in " + text);
        }
        if (!PORT.matcher(portText).matches()) {
            throw new IllegalArgumentException("bad port in " + text);
        }
        int port = Integer.parseInt(portText);
        if (port > 65535 || (port == 0 && !allowPortZero)) {
            throw new IllegalArgumentException("port out of range in " + text);
        }
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
            if (!NetUtil.isValidIpV6Address(host)) {
                throw new IllegalArgumentException("not an IPv6 literal in " + text);
            }
            return new HostPort(host, port);
        }
        if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 literal without brackets in " + text);
        }
        if (!NetUtil.isValidIpV4Address(host) && !isHostName(host)) {
            throw new IllegalArgumentException("not a host name in " + text);
        }
        return new HostPort(host.toLowerCase(Locale.ROOT), port);
    }

    /** An IP literal becomes a resolved address, a name an unresolved one (see the class comment). */
    public InetSocketAddress toSocketAddress() {
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
        return literal != null ? new InetSocketAddress(literal, port) : InetSocketAddress.createUnresolved(host, port);
    }

    /** Whether the host is an IPv4 or IPv6 literal rather than a name. */
    public boolean isIpLiteral() {
        return isIpLiteral(host);
    }

    /** {@code host:port}, or {@code [v6]:port}: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Formats a socket address as {@code host:port} or {@code [v6]:port}, the way {@link #parse} reads it. */
    public static String format(InetSocketAddress address) {
        String host = address.isUnresolved() ? address.getHostString()
                : NetUtil.toAddressString(address.getAddress());
        return new HostPort(host, address.getPort()).toString();
    }

    /**
     * The host of an authority ({@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}) in lower case,
     * without the port and without IPv6 brackets; null for null. Lenient: it names the host of an authority that
     * was validated elsewhere, or that is about to be refused with its host in the message.
     */
    public static String hostOf(String authority) {
        if (authority == null) {
            return null;
        }
        String a = authority.toLowerCase(Locale.ROOT);
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            return close < 0 ? a : a.substring(1, close);
        }
        int colon = a.indexOf(':');
        return colon >= 0 && colon == a.lastIndexOf(':') ? a.substring(0, colon) : a;
    }

    /**
     * Whether {@code host} is a syntactically valid DNS name: dot-separated labels of letters, digits, hyphens and
     * underscores, at most 253 characters, and not all digits in the last label (so that a mistyped IPv4 literal
     * such as {@code 300.1.1.1} is not taken for a name and sent to DNS).
     */
    public static boolean isHostName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty() || h.length() > 253) {
            return false;
        }
        String[] labels = h.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !labels[labels.length - 1].matches("[0-9]+");
    }

    /** Whether {@code host} is an IPv4 or IPv6 literal (IPv6 with or without brackets). */
    public static boolean isIpLiteral(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return NetUtil.isValidIpV4Address(h) || NetUtil.isValidIpV6Address(h);
    }
}
