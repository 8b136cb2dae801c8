package dev.ferry.bridge.exchange;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.Objects;

/**
 * The head of a request, independent of the protocol that carried it: the control data of RFC 9110 section 6.2
 * (method, scheme, authority, path and, for extended CONNECT, protocol) and the regular header fields.
 *
 * <p>Field names in {@link #headers()} are lower case, as HTTP/2 and HTTP/3 require. Pseudo-header fields never
 * appear there. Instances are immutable by convention: change a copy made with {@link #toBuilder()}.
 */
public final class RequestHead {
    private final String method;
    private final String scheme;
    private final String authority;
    private final String path;
    private final String protocol;
    private final HttpHeaders headers;
    /** Computed on first use; a head is read on one event loop only. */
    private String normalizedPath;

    private RequestHead(Builder b) {
        this.method = Objects.requireNonNull(b.method, "method");
        this.scheme = b.scheme;
        this.authority = b.authority;
        this.path = b.path;
        this.protocol = b.protocol;
        this.headers = b.headers;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String method() {
        return method;
    }

    /** The scheme, or null for CONNECT. */
    public String scheme() {
        return scheme;
    }

    /** The authority (host and optional port), or null when the request carried none. */
    public String authority() {
        return authority;
    }

    /** The path and query, or null for CONNECT. */
    public String path() {
        return path;
    }

    /**
     * The path as routes and hooks should judge it ({@link dev.ferry.bridge.headers.PathNormalizer}: unreserved
     * characters decoded, slashes merged, dot segments removed, no query); {@link #path()} is what is forwarded.
     */
    public String normalizedPath() {
        String n = normalizedPath;
        if (n == null) {
            n = dev.ferry.bridge.headers.PathNormalizer.normalize(path);
            normalizedPath = n;
        }
        return n;
    }

    /** The extended CONNECT protocol (RFC 9220), or null. */
    public String protocol() {
        return protocol;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public boolean isConnect() {
        return "CONNECT".equals(method);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.method = method;
        b.scheme = scheme;
        b.authority = authority;
        b.path = path;
        b.protocol = protocol;
        b.headers = new DefaultHttpHeaders(false).set(headers);
        return b;
    }

    @Override
    public String toString() {
        return method + ' ' + scheme + "://" + authority + path;
    }

    /** Builds a {@link RequestHead}; header fields are edited in place through {@link #headers()}. */
    public static final class Builder {
        private String method;
        private String scheme;
        private String authority;
        private String path;
        private String protocol;
        private HttpHeaders headers = new DefaultHttpHeaders(false);

        private Builder() {
        }

        public Builder method(String method) {
            this.method = method;
            return this;
        }

        public Builder scheme(String scheme) {
            this.scheme = scheme;
            return this;
        }

        public Builder authority(String authority) {
            this.authority = authority;
            return this;
        }

        public Builder path(String path) {
            this.path = path;
            return this;
        }

        public Builder protocol(String protocol) {
            this.protocol = protocol;
            return this;
        }

        public String method() {
            return method;
        }

        public String scheme() {
            return scheme;
        }

        public String authority() {
            return authority;
        }

        public String path() {
            return path;
        }

        public String protocol() {
            return protocol;
        }

        /** The regular header fields, mutable. */
        public HttpHeaders headers() {
            return headers;
        }

        public RequestHead build() {
            return new RequestHead(this);
        }
    }
}
