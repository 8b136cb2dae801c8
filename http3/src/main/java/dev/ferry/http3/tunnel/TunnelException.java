package dev.ferry.http3.tunnel;

import java.io.IOException;

/**
 * The relay refused a tunnel or the tunnel's stream failed. A refusal carries the HTTP status and the relay's
 * {@code Proxy-Status} (RFC 9209), which says why (for example {@code error=destination_ip_prohibited}); callers
 * print the message as it is.
 */
public final class TunnelException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String proxyStatus;

    public TunnelException(String message, int status, String proxyStatus) {
        super(message);
        this.status = status;
        this.proxyStatus = proxyStatus;
    }

    public TunnelException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
        this.proxyStatus = null;
    }

    /** Builds the refusal for a non-2xx answer to the CONNECT request for {@code target}. */
    static TunnelException refused(String what, String target, int status, String proxyStatus) {
        String detail = proxyStatus == null ? "" : " (proxy-status: " + proxyStatus + ")";
        return new TunnelException("relay refused " + what + " to " + target + ": status " + status + detail,
                status, proxyStatus);
    }

    /** The HTTP status of a refusal, -1 when the tunnel failed for another reason. */
    public int status() {
        return status;
    }

    /** The relay's {@code Proxy-Status} header of a refusal, or null. */
    public String proxyStatus() {
        return proxyStatus;
    }
}
