package dev.ferry.tools.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * What one benchmark run does, already checked. Kept apart from the picocli command so that tests and scripts can
 * build a run directly and so that the load generator never sees an inconsistent combination.
 *
 * @param address     where to connect (UDP)
 * @param serverName  SNI, and the host the certificate is checked against
 * @param authority   the {@code :authority} of every request
 * @param path        the {@code :path} of every request
 * @param method      request method
 * @param bodySize    bytes of generated request body, 0 for none
 * @param connections QUIC connections, each on its own UDP socket
 * @param streams     concurrent requests per connection (closed model), or the cap of in-flight requests per
 *                    connection (open model; requests beyond it wait, and the wait counts as latency)
 * @param duration    how long to measure; ignored when {@code requests} is set
 * @param requests    measure this many requests instead of a duration, 0 for none
 * @param warmup      load before measuring, not counted
 * @param rate        requests per second over all connections (open model), 0 for the closed model
 * @param timeout     a request not finished after this is cancelled and counted as a timeout
 * @param insecure    accept any server certificate
 * @param threads     event-loop threads of the client
 * @param qlogDir     a directory for one qlog file per connection, or null for none
 */
public record BenchOptions(InetSocketAddress address, String serverName, String authority, String path, String method,
                           long bodySize, int connections, int streams, Duration duration, long requests,
                           Duration warmup, double rate, Duration timeout, boolean insecure, int threads,
                           String qlogDir) {

    /** Without qlog. */
    public BenchOptions(InetSocketAddress address, String serverName, String authority, String path, String method,
                        long bodySize, int connections, int streams, Duration duration, long requests,
                        Duration warmup, double rate, Duration timeout, boolean insecure, int threads) {
        this(address, serverName, authority, path, method, bodySize, connections, streams, duration, requests, warmup,
                rate, timeout, insecure, threads, null);
    }

    public BenchOptions {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(timeout, "timeout");
        require(connections >= 1, "--connections must be at least 1");
        require(streams >= 1, "--streams must be at least 1");
        require(bodySize >= 0, "--body-size must not be negative");
        require(requests >= 0, "--requests must not be negative");
        require(rate >= 0, "--rate must not be negative");
        require(threads >= 1, "--threads must be at least 1");
        require(requests > 0 || !duration.isZero() && !duration.isNegative(), "--duration must be positive");
        require(!warmup.isNegative(), "--warmup must not be negative");
        require(!timeout.isZero() && !timeout.isNegative(), "--timeout must be positive");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** True for the open model: a fixed request rate instead of as fast as responses come back. */
    public boolean openModel() {
        return rate > 0;
    }

    /** One line describing the load, for the report header. */
    public String describe() {
        String model = openModel() ? String.format(java.util.Locale.ROOT, "open model at %.0f req/s", rate)
                : "closed model";
        String amount = requests > 0 ? requests + " requests" : format(duration);
        return connections + " connection(s) x " + streams + " stream(s), " + model + ", " + method
                + (bodySize > 0 ? " with " + bodySize + " body bytes" : "") + ", " + amount + " after "
                + format(warmup) + " warm-up";
    }

    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
