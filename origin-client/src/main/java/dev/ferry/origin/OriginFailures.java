package dev.ferry.origin;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;

/**
 * The one place where Netty and JDK exceptions from the origin side become {@link ProxyException}s with an
 * RFC 9209 type. Everything else in this module throws or reports what this class returns.
 */
public final class OriginFailures {
    private OriginFailures() {
    }

    /** A failure while connecting (TCP or TLS): the origin never saw the request, so a retry is safe. */
    public static ProxyException connectFailed(String origin, Throwable cause) {
        Throwable root = rootCause(cause);
        ProxyErrorType type;
        if (cause instanceof PoolFullException) {
            return new ProxyException(ProxyErrorType.CONNECTION_LIMIT_REACHED, ProxyException.Side.PROXY, true,
                    "origin " + origin + ": " + cause.getMessage(), cause);
        }
        if (cause instanceof ConnectTimeoutException || root instanceof ConnectTimeoutException) {
            type = ProxyErrorType.CONNECTION_TIMEOUT;
        } else if (root instanceof UnknownHostException) {
            type = ProxyErrorType.DNS_ERROR;
        } else if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            type = ProxyErrorType.CONNECTION_REFUSED;
        } else if (root instanceof CertificateException || hasCause(cause, CertificateException.class)) {
            type = ProxyErrorType.TLS_CERTIFICATE_ERROR;
        } else if (cause instanceof SSLHandshakeException || root instanceof SSLException) {
            type = ProxyErrorType.TLS_PROTOCOL_ERROR;
        } else {
            type = ProxyErrorType.CONNECTION_TERMINATED;
        }
        return new ProxyException(type, ProxyException.Side.ORIGIN, true,
                "origin " + origin + ": " + describe(root), cause);
    }

    /** A failure once the request was (maybe) sent. */
    public static ProxyException exchangeFailed(String origin, Throwable cause, boolean responseStarted) {
        Throwable root = rootCause(cause);
        ProxyErrorType type;
        if (cause instanceof DecoderException) {
            type = ProxyErrorType.HTTP_PROTOCOL_ERROR;
        } else if (responseStarted) {
            type = ProxyErrorType.HTTP_RESPONSE_INCOMPLETE;
        } else {
            type = ProxyErrorType.CONNECTION_TERMINATED;
        }
        return new ProxyException(type, ProxyException.Side.ORIGIN, false,
                "origin " + origin + ": " + describe(root), cause);
    }

    /** The connection closed before the response ended. */
    public static ProxyException closedEarly(String origin, boolean responseStarted) {
        return exchangeFailed(origin, new ClosedChannelException(), responseStarted);
    }

    /** The origin answered something that is not valid HTTP for its protocol. */
    public static ProxyException protocolError(String origin, String detail) {
        return new ProxyException(ProxyErrorType.HTTP_PROTOCOL_ERROR, ProxyException.Side.ORIGIN, false,
                "origin " + origin + ": " + detail);
    }

    private static String describe(Throwable t) {
        if (t instanceof ClosedChannelException) {
            return "connection closed";
        }
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : message;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }
}
