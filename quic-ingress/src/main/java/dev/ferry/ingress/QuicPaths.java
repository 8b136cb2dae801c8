package dev.ferry.ingress;

/**
 * How many network paths one client connection may use over its life, as its address changes (a NAT that forgets
 * its mapping, a phone moving between networks).
 *
 * <p>quiche keeps a set of paths per connection no larger than the endpoint's own
 * {@code active_connection_id_limit} transport parameter, and makes room for a new path only by dropping one that
 * has no peer connection ID in use. A path whose peer uses zero-length connection IDs (quic-go's client does) always
 * has one, and Netty 4.2 offers no call to abandon a path, so each change of the client's address leaves a path
 * behind for good. With quiche's default of 2 a connection survived one NAT rebinding: packets from the second new
 * address were dropped before they reached the connection, and the transfer stalled until the idle timeout. The
 * limit also bounds how many connection IDs the peer may hand us, which costs a few bytes each.
 */
final class QuicPaths {
    /**
     * The {@code active_connection_id_limit} the relay announces: a connection survives this many changes of the
     * client's address, less one for the path it started on. Each path holds its own congestion state (a few KiB),
     * which bounds what a client rotating its source port can make the relay keep.
     */
    static final long ACTIVE_CONNECTION_ID_LIMIT = 16;

    private QuicPaths() {
    }
}
