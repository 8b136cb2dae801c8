package dev.ferry.origin;

/**
 * How many connections one origin holds, summed over the event loops, as a metrics scrape sees them.
 *
 * @param open    connections open or being opened (HTTP/1.1: the pool's count; HTTP/2 and HTTP/3: one per loop and
 *                endpoint with a connection up or on its way)
 * @param idle    HTTP/1.1 connections waiting in the pool for a request (always 0 for HTTP/2 and HTTP/3, whose one
 *                connection carries every request)
 * @param waiting requests waiting for a connection (HTTP/1.1, when every allowed connection is busy) or for a
 *                stream slot under the origin's concurrent-stream limit (HTTP/2)
 */
public record PoolStats(long open, long idle, long waiting) {
    public static final PoolStats EMPTY = new PoolStats(0, 0, 0);

    public PoolStats plus(PoolStats other) {
        return new PoolStats(open + other.open, idle + other.idle, waiting + other.waiting);
    }
}
