package dev.ferry.bridge.error;

/**
 * The error types of RFC 9209 section 2.3 that Ferry reports, each with the status a client gets when the error
 * happens before the response head has left.
 */
public enum ProxyErrorType {
    DNS_ERROR("dns_error", 502),
    DNS_TIMEOUT("dns_timeout", 504),
    DESTINATION_NOT_FOUND("destination_not_found", 404),
    DESTINATION_UNAVAILABLE("destination_unavailable", 503),
    DESTINATION_IP_PROHIBITED("destination_ip_prohibited", 403),
    CONNECTION_REFUSED("connection_refused", 502),
    CONNECTION_TERMINATED("connection_terminated", 502),
    CONNECTION_TIMEOUT("connection_timeout", 504),
    CONNECTION_READ_TIMEOUT("connection_read_timeout", 504),
    CONNECTION_LIMIT_REACHED("connection_limit_reached", 503),
    TLS_PROTOCOL_ERROR("tls_protocol_error", 502),
    TLS_CERTIFICATE_ERROR("tls_certificate_error", 502),
    HTTP_REQUEST_ERROR("http_request_error", 400),
    HTTP_REQUEST_DENIED("http_request_denied", 403),
    HTTP_RESPONSE_INCOMPLETE("http_response_incomplete", 502),
    HTTP_RESPONSE_HEADER_SECTION_SIZE("http_response_header_section_size", 502),
    HTTP_RESPONSE_TIMEOUT("http_response_timeout", 504),
    HTTP_PROTOCOL_ERROR("http_protocol_error", 502),
    PROXY_INTERNAL_ERROR("proxy_internal_error", 500),
    PROXY_CONFIGURATION_ERROR("proxy_configuration_error", 500),
    PROXY_LOOP_DETECTED("proxy_loop_detected", 502);

    private final String token;
    private final int status;

    ProxyErrorType(String token, int status) {
        this.token = token;
        this.status = status;
    }

    /** The token written in {@code Proxy-Status: ...; error=TOKEN}. */
    public String token() {
        return token;
    }

    /** The status answered when this error happens before any response head was sent. */
    public int status() {
        return status;
    }
}
