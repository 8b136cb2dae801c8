package dev.ferry.ingress;

import io.netty.channel.Channel;
import io.netty.handler.codec.http3.DefaultHttp3GoAwayFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.AttributeKey;

/**
 * Graceful shutdown of one HTTP/3 connection (RFC 9114 5.2): Ferry sends GOAWAY naming the first request stream it
 * will not serve, lets the requests it accepted finish, and refuses later ones with H3_REQUEST_REJECTED, which
 * tells the client they are safe to retry elsewhere. Touched only on the connection's event loop.
 */
final class ConnectionDrain {
    private static final AttributeKey<ConnectionDrain> KEY = AttributeKey.valueOf("ferry.connection-drain");

    /** The highest client-initiated bidirectional stream accepted so far; -4 before the first. */
    private long highestStreamId = -4;
    private int activeRequests;
    private long goAwayId = -1;

    static ConnectionDrain of(Channel connection) {
        ConnectionDrain drain = connection.attr(KEY).get();
        if (drain == null) {
            drain = new ConnectionDrain();
            connection.attr(KEY).set(drain);
        }
        return drain;
    }

    /**
     * Registers a new request stream. Returns false (and resets the stream) when it arrived after GOAWAY and must
     * not be served.
     */
    boolean admit(QuicStreamChannel stream) {
        long id = stream.streamId();
        if (goAwayId >= 0 && id >= goAwayId) {
            stream.shutdown(Http3ErrorCode.H3_REQUEST_REJECTED.code());
            return false;
        }
        highestStreamId = Math.max(highestStreamId, id);
        activeRequests++;
        stream.closeFuture().addListener(f -> activeRequests--);
        return true;
    }

    /** Sends GOAWAY once: streams from the next unseen ID on will be refused. */
    void goAway(Channel connection) {
        if (goAwayId >= 0) {
            return;
        }
        goAwayId = highestStreamId + 4;
        QuicStreamChannel control = Http3.getLocalControlStream(connection);
        if (control != null) {
            control.writeAndFlush(new DefaultHttp3GoAwayFrame(goAwayId));
        }
    }

    /** True when no accepted request is still running. */
    boolean idle() {
        return activeRequests == 0;
    }
}
