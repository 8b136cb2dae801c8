package dev.ferry.bridge.error;

/**
 * The one exception type of the exchange path: what went wrong (an RFC 9209 error type), which side caused it,
 * and whether the request may be retried because the origin cannot have acted on it.
 */
public final class ProxyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which party an error is attributed to. */
    public enum Side { CLIENT, PROXY, ORIGIN }

    private final ProxyErrorType type;
    private final Side side;
    private final boolean retrySafe;
    /** The status to answer with when it is not the type's own (431 for an oversized request head), or 0. */
    private final int status;

    public ProxyException(ProxyErrorType type, Side side, boolean retrySafe, String detail, Throwable cause) {
        this(type, side, retrySafe, detail, cause, 0);
    }

    private ProxyException(ProxyErrorType type, Side side, boolean retrySafe, String detail, Throwable cause,
                           int status) {
        super(detail, cause, false, false);
        this.type = type;
        this.side = side;
        this.retrySafe = retrySafe;
        this.status = status;
    }

    public ProxyException(ProxyErrorType type, Side side, boolean retrySafe, String detail) {
        this(type, side, retrySafe, detail, null);
    }

    public static ProxyException badRequest(String detail) {
        return new ProxyException(ProxyErrorType.HTTP_REQUEST_ERROR, Side.CLIENT, false, detail);
    }

    /**
     * A request error answered with a more specific status than 400, such as 431 (Request Header Fields Too Large,
     * RFC 6585 section 5), 501 or 505; RFC 9209 has no error type of its own for these, so the type stays
     * http_request_error.
     */
    public static ProxyException badRequest(int status, String detail) {
        // 501 and 505 are the server's answers to a request it cannot take in (an unknown transfer coding, an
        // HTTP version it does not speak; RFC 9112 6.1 and RFC 9110 15.6.6): still the client's request at fault.
        if ((status < 400 || status > 499) && status != 501 && status != 505) {
            throw new IllegalArgumentException("status: " + status + " (expected: 400-499, 501 or 505)");
        }
        return new ProxyException(ProxyErrorType.HTTP_REQUEST_ERROR, Side.CLIENT, false, detail, null, status);
    }

    public ProxyErrorType type() {
        return type;
    }

    public Side side() {
        return side;
    }

    public boolean retrySafe() {
        return retrySafe;
    }

    public int status() {
        return status != 0 ? status : type.status();
    }

    @Override
    public String toString() {
        return "ProxyException(" + type.token() + ", " + side + ", " + getMessage() + ')';
    }
}
