package dev.ferry.app.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses {@code host:port} and {@code [v6]:port} into socket addresses without touching DNS.
 *
 * <p>IP literals become resolved addresses; host names become
 * {@link InetSocketAddress#createUnresolved unresolved} ones, resolved when a connection is made. Resolving at parse
 * time would make {@code ferry check} depend on the network, freeze an answer whose TTL may be seconds, and stall
 * start-up on a slow resolver.
 */
public final class AddressParser {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    private AddressParser() {
    }

    /**
     * Returns the address written as {@code text}.
     *
     * @param allowPortZero whether port 0 (pick an ephemeral port) is acceptable, as it is for listeners
     * @throws IllegalArgumentException if the text is not a host or bracketed IPv6 literal, a colon and a port
     */
    public static InetSocketAddress parse(String text, boolean allowPortZero) {
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
        boolean bracketed = host.startsWith("[");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        }
        if (!portText.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("bad port in " + text);
        }
        int port = Integer.parseInt(portText);
        if (port > 65535 || (port == 0 && !allowPortZero)) {
            throw new IllegalArgumentException("port out of range in " + text);
        }
        if (bracketed) {
            if (!NetUtil.isValidIpV6Address(host)) {
                throw new IllegalArgumentException("not an IPv6 literal in " + text);
            }
            return new InetSocketAddress(literal(host), port);
        }
        if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 literal without brackets in " + text);
        }
        if (NetUtil.isValidIpV4Address(host)) {
            return new InetSocketAddress(literal(host), port);
        }
        if (!isHostName(host)) {
            throw new IllegalArgumentException("not a host name in " + text);
        }
        return InetSocketAddress.createUnresolved(host.toLowerCase(Locale.ROOT), port);
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

    private static InetAddress literal(String host) {
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(host);
        if (address == null) {
            throw new IllegalArgumentException("not an IP literal: " + host);
        }
        return address;
    }

    /** Formats an address as {@code host:port} or {@code [v6]:port}, the way {@link #parse} reads it. */
    public static String format(InetSocketAddress address) {
        String host = address.isUnresolved() ? address.getHostString()
                : NetUtil.toAddressString(address.getAddress());
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
