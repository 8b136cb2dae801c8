package dev.ferry.http3.client;

import io.netty.handler.codec.http3.Http3ErrorCode;

import java.io.IOException;

/**
 * The server reset the request stream, or the stream ended without a FIN, before the response was complete. Callers
 * need the HTTP/3 error code to tell a refused request (safe to retry) from a cancelled or broken one, so it is kept
 * both as a number and by its RFC 9114 name.
 */
public final class Http3StreamResetException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Error code used when the stream closed without a reset frame that carried a code. */
    public static final long UNKNOWN_CODE = -1;

    private final long errorCode;

    public Http3StreamResetException(String message, long errorCode, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** Builds the exception for a RESET_STREAM from the server carrying {@code errorCode}. */
    static Http3StreamResetException reset(long streamId, long errorCode, Throwable cause) {
        return new Http3StreamResetException("stream " + streamId + " reset by server with "
                + errorName(errorCode), errorCode, cause);
    }

    /** The application error code of the reset, or {@link #UNKNOWN_CODE}. */
    public long errorCode() {
        return errorCode;
    }

    /** The RFC 9114 name of the error code, e.g. {@code H3_REQUEST_CANCELLED (0x10c)}. */
    public String errorName() {
        return errorName(errorCode);
    }

    /** Names an HTTP/3 error code, falling back to hex for codes HTTP/3 does not define. */
    public static String errorName(long code) {
        if (code == UNKNOWN_CODE) {
            return "no error code";
        }
        for (Http3ErrorCode known : Http3ErrorCode.values()) {
            if (known.code() == code) {
                return known.name() + " (0x" + Long.toHexString(code) + ")";
            }
        }
        return "error 0x" + Long.toHexString(code);
    }
}
