package dev.ferry.ingress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.util.AttributeKey;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a QUIC connection's handshake is complete, for a listener that accepts 0-RTT early data (RFC 8470), and
 * the handler that makes Netty deliver early data at all.
 *
 * <p>Netty's QUIC codec creates a connection's streams only once something has asked the connection to read, and
 * with auto-read that happens when the connection becomes active, which on a server is when quiche reports the
 * handshake complete (the client's Finished has arrived). A request sent in 0-RTT would then wait a round trip in
 * quiche's buffers and gain nothing. This handler asks for reads as soon as the connection is registered, so streams
 * that arrive in 0-RTT packets are read while {@code quiche_conn_is_in_early_data} holds, and it marks the
 * connection confirmed when it becomes active. Everything read before that is early data: replayable by an attacker
 * who captured the client's first flight, so {@link EarlyRequests} decides what may go on before confirmation.
 *
 * <p>Used on the connection's event loop only.
 */
final class EarlyData extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<EarlyData> KEY = AttributeKey.valueOf(EarlyData.class, "state");

    private boolean confirmed;
    private List<Runnable> waiting;

    private EarlyData() {
    }

    /** Installs the handler and state on a new connection whose listener accepts early data. */
    static void install(QuicChannel connection) {
        EarlyData state = new EarlyData();
        connection.attr(KEY).set(state);
        connection.pipeline().addLast(state);
    }

    /** The connection's state, or null when its listener does not accept early data (nothing is early then). */
    static EarlyData of(Channel connection) {
        return connection.attr(KEY).get();
    }

    /** True once the handshake is complete: nothing read from now on is early data. */
    boolean confirmed() {
        return confirmed;
    }

    /** Runs {@code task} once the handshake is complete (at once if it is); dropped if the connection closes first. */
    void whenConfirmed(Runnable task) {
        if (confirmed) {
            task.run();
            return;
        }
        if (waiting == null) {
            waiting = new ArrayList<>(2);
        }
        waiting.add(task);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isRegistered()) {
            ctx.read();
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelRegistered();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        confirmed = true;
        List<Runnable> tasks = waiting;
        waiting = null;
        if (tasks != null) {
            tasks.forEach(Runnable::run);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The streams that waited are closed with their connection.
        waiting = null;
        ctx.fireChannelInactive();
    }
}
