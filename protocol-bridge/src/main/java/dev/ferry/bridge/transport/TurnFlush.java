package dev.ferry.bridge.transport;

import io.netty.channel.ChannelOutboundInvoker;
import io.netty.util.concurrent.EventExecutor;

/**
 * One flush per event-loop turn, however many writes the turn made. A relay forwards what one read brought (up to
 * a few dozen UDP datagrams from one {@code recvmmsg}, say); flushing after each write costs a system call, and for
 * QUIC a separate packet build, per datagram. Writing without flushing and asking for this flush instead hands the
 * whole batch down at once: one {@code sendmmsg} or GSO send, one round of QUIC packetisation.
 *
 * <p>The flush runs as a task on the loop, so after everything the current turn does. Used on the loop only; not
 * thread-safe.
 */
public final class TurnFlush implements Runnable {
    private final Runnable flush;
    private final EventExecutor loop;
    private boolean scheduled;

    /** @param target what to flush: a channel, or a handler context to flush from its place in the pipeline */
    public TurnFlush(ChannelOutboundInvoker target, EventExecutor loop) {
        this(target::flush, loop);
    }

    /** @param flush what flushing means, for a handler that holds writes of its own */
    public TurnFlush(Runnable flush, EventExecutor loop) {
        this.flush = flush;
        this.loop = loop;
    }

    /** Flushes at the end of this turn; a second request in the same turn does nothing more. */
    public void request() {
        if (!scheduled) {
            scheduled = true;
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        flush.run();
    }
}
