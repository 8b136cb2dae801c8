package dev.ferry.http3.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request to send on an {@link Http3Connection}: method, path, optional authority, user headers and body.
 * Header names are lower-cased and checked here, when the request is built, so that a malformed header is reported
 * to the caller instead of resetting a stream later.
 *
 * @param method    the request method, for example {@code GET}
 * @param path      the {@code :path} pseudo-header: absolute path plus query
 * @param authority the {@code :authority}, or {@code null} for the connection's {@code host:port}
 * @param headers   user headers in order, names lower-case
 * @param body      the request body
 */
public record Http3Request(String method, String path, String authority, List<Map.Entry<String, String>> headers,
                           RequestBody body) {

    public Http3Request {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        if (method.isEmpty() || !isToken(method)) {
            throw new IllegalArgumentException("invalid method: " + method);
        }
        if (!path.startsWith("/") && !"*".equals(path)) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        checkValue(":path", path);
        if (authority != null) {
            checkValue(":authority", authority);
        }
        List<Map.Entry<String, String>> checked = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            checkName(name);
            checkValue(name, header.getValue());
            if ("te".equals(name) && !"trailers".equalsIgnoreCase(header.getValue().trim())) {
                throw new IllegalArgumentException("te header may only be \"trailers\" in HTTP/3");
            }
            checked.add(Map.entry(name, header.getValue()));
        }
        headers = List.copyOf(checked);
    }

    /** Starts a request with the given method and path. */
    public static Builder builder(String method, String path) {
        return new Builder(method, path);
    }

    /** A GET for {@code path} without headers. */
    public static Http3Request get(String path) {
        return builder("GET", path).build();
    }

    /** A POST of {@code body} to {@code path}. */
    public static Http3Request post(String path, byte[] body) {
        return builder("POST", path).body(RequestBody.of(body)).build();
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.charAt(0) == ':') {
            throw new IllegalArgumentException("invalid header name (pseudo-headers are set by the client): " + name);
        }
        if (!isToken(name)) {
            throw new IllegalArgumentException("invalid header name: " + name);
        }
        switch (name) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host" ->
                    throw new IllegalArgumentException("header not allowed in HTTP/3: " + name
                            + ("host".equals(name) ? " (the authority comes from the URL)" : ""));
            default -> {
            }
        }
    }

    private static void checkValue(String name, String value) {
        Objects.requireNonNull(value, name);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
                throw new IllegalArgumentException("invalid character in value of " + name);
            }
        }
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Collects the parts of a request; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String method;
        private final String path;
        private String authority;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private RequestBody body = RequestBody.empty();

        private Builder(String method, String path) {
            this.method = method;
            this.path = path;
        }

        /** Overrides the {@code :authority}, which is otherwise the connection's server name and port. */
        public Builder authority(String authority) {
            this.authority = authority;
            return this;
        }

        /** Adds a header; repeated names are sent as repeated fields. */
        public Builder header(String name, String value) {
            headers.add(Map.entry(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
            return this;
        }

        public Builder body(RequestBody body) {
            this.body = Objects.requireNonNull(body, "body");
            return this;
        }

        public Http3Request build() {
            return new Http3Request(method, path, authority, headers, body);
        }
    }
}
