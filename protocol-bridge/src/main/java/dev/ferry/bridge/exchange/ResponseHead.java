package dev.ferry.bridge.exchange;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The head of a response, independent of protocol: the status and the regular header fields (lower-case names, no
 * pseudo-header fields). Immutable by convention: change a copy made with {@link #toBuilder()}.
 */
public final class ResponseHead {
    private final int status;
    private final HttpHeaders headers;

    private ResponseHead(int status, HttpHeaders headers) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100..999)");
        }
        this.status = status;
        this.headers = headers;
    }

    public static Builder builder(int status) {
        return new Builder(status);
    }

    public int status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** True for 1xx responses, which precede the final one. */
    public boolean isInformational() {
        return status < 200;
    }

    public Builder toBuilder() {
        Builder b = new Builder(status);
        b.headers.set(headers);
        return b;
    }

    @Override
    public String toString() {
        return "ResponseHead(" + status + ", " + headers.size() + " fields)";
    }

    /** Builds a {@link ResponseHead}; header fields are edited in place through {@link #headers()}. */
    public static final class Builder {
        private int status;
        private final HttpHeaders headers = new DefaultHttpHeaders(false);

        private Builder(int status) {
            this.status = status;
        }

        public Builder status(int status) {
            this.status = status;
            return this;
        }

        public int status() {
            return status;
        }

        public HttpHeaders headers() {
            return headers;
        }

        public ResponseHead build() {
            return new ResponseHead(status, headers);
        }
    }
}
