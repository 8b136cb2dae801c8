package dev.ferry.http3.client;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The QUIC handshake towards a server did not complete: timeout, TLS failure, ALPN mismatch or a closed socket. It
 * is a separate type so that callers such as {@code ferry get} can map it to "could not connect" (curl's exit 7)
 * without parsing messages.
 */
public final class Http3ConnectException extends IOException {
    private static final long serialVersionUID = 1L;

    public Http3ConnectException(InetSocketAddress address, String reason, Throwable cause) {
        super("cannot connect to " + format(address) + ": " + reason, cause);
    }

    static String format(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
