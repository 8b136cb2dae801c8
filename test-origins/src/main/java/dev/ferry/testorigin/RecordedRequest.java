package dev.ferry.testorigin;

import java.util.List;
import java.util.Optional;
import java.util.Objects;

/**
 * A snapshot of one request the built-in origin received, so that tests can assert what the relay sent upstream.
 *
 * @param method        the request method
 * @param target        the request target as received: path and query ({@code :path} on HTTP/2)
 * @param protocol      {@code "1.1"} or {@code "2"}
 * @param headers       every header field in received order; on HTTP/2 the pseudo-header fields come first
 * @param bodyBytes     body bytes received so far when the snapshot was taken
 * @param bodyComplete  whether the end of the body was received (the last chunk or END_STREAM)
 */
public record RecordedRequest(String method, String target, String protocol, List<Header> headers,
                              long bodyBytes, boolean bodyComplete) {

    /** One header field; names as received (HTTP/2 names are lower case). */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(protocol, "protocol");
        headers = List.copyOf(headers);
    }

    /** The path part of {@link #target()}, without the query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The first value of the named header field (case-insensitive), if any. */
    public Optional<String> header(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return Optional.of(h.value());
            }
        }
        return Optional.empty();
    }

    /** Every value of the named header field (case-insensitive), in received order. */
    public List<String> headerValues(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
    }
}
