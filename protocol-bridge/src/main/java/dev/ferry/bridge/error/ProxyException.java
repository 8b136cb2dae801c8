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

    public ProxyException(ProxyErrorType type, Side side, boolean retrySafe, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.type = type;
        this.side = side;
        this.retrySafe = retrySafe;
    }

    public ProxyException(ProxyErrorType type, Side side, boolean retrySafe, String detail) {
        this(type, side, retrySafe, detail, null);
    }

    public static ProxyException badRequest(String detail) {
        return new ProxyException(ProxyErrorType.HTTP_REQUEST_ERROR, Side.CLIENT, false, detail);
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
        return type.status();
    }

    @Override
    public String toString() {
        return "ProxyException(" + type.token() + ", " + side + ", " + getMessage() + ')';
    }
}
