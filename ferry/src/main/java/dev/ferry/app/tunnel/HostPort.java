package dev.ferry.app.tunnel;

/**
 * A {@code host:port} as users type it on the command line (IPv6 literals in brackets), parsed once so that every
 * option reports a malformed value the same way.
 *
 * @param host a name or IP literal, IPv6 without brackets
 * @param port 0..65535
 */
public record HostPort(String host, int port) {

    /**
     * Parses {@code value}.
     *
     * @param option    the option's name, for the message
     * @param allowZero whether port 0 (any free port, for a listen address) is accepted
     * @throws IllegalArgumentException with a message naming the option
     */
    public static HostPort parse(String value, String option, boolean allowZero) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException(option + " must be HOST:PORT, got " + value);
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException(option + ": put an IPv6 address in brackets, got " + value);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535 || port == 0 && !allowZero) {
            throw new IllegalArgumentException(option + ": bad port in " + value);
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
