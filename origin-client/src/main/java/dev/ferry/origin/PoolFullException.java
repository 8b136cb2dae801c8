package dev.ferry.origin;

/**
 * Every connection to an endpoint is busy and the requests already waiting for one fill the queue; the request is
 * turned away at once ({@code connection_limit_reached}, 503) rather than queued without bound.
 */
final class PoolFullException extends Exception {
    private static final long serialVersionUID = 1L;

    PoolFullException(int waiting) {
        super("connection pool full: " + waiting + " requests already waiting");
    }
}
