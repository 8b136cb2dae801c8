package dev.ferry.tools.interop;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.handler.codec.quic.QuicStreamType;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Downloads many files on one connection, each on its own stream, as many at once as the server lets the client
 * open: the runner's {@code multiplexing} case asks for more files than a server's initial stream limit, and a
 * stream opened past it fails. Streams start while {@link QuicChannel#peerAllowedStreams} is above zero; when it
 * is not, the next ones wait for the server's MAX_STREAMS, which Netty reports with a
 * {@link QuicStreamLimitChangedEvent} on the connection's pipeline (where this handler sits meanwhile).
 *
 * <p>A connection taken for 0-RTT ({@link FileClient#connectEarly}) is not active yet, and Netty learns the streams
 * left only from the server's first packets, too late for early data: until the handshake ends, up to
 * {@value #EARLY_STREAMS} streams start at once, within the limit the resumed session remembers (quiche enforces
 * it; servers allow 100 and more).
 *
 * <p>Everything runs on the connection's event loop: stream creation there is synchronous, so the codec's count
 * of streams left is exact when the next one is considered. The first failure ends the whole run (the runner's
 * verdict is already "failed"); streams still running are left to the caller's connection close.
 */
public final class ParallelDownloads extends ChannelInboundHandlerAdapter {
    /** When no stream runs and none may start: look again this often, in case a limit change went unreported. */
    private static final long RECHECK_MILLIS = 50;
    /** Streams opened as 0-RTT early data before the handshake ends and Netty knows the real limit. */
    static final int EARLY_STREAMS = 16;
    private final FileConnection connection;
    private final QuicChannel quic;
    private final Deque<Download> pending;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private int running;
    private int openedEarly;
    private boolean recheckScheduled;

    private ParallelDownloads(FileConnection connection, List<Download> downloads) {
        this.connection = connection;
        this.quic = connection.quicChannel();
        this.pending = new ArrayDeque<>(downloads);
    }

    /** Downloads every file of {@code downloads} on {@code connection}; completes when all are on disk. */
    public static CompletableFuture<Void> run(FileConnection connection, List<Download> downloads) {
        if (downloads.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        ParallelDownloads run = new ParallelDownloads(connection, downloads);
        run.quic.eventLoop().execute(run::start);
        return run.done;
    }

    private void start() {
        // Open is enough: a connection taken for 0-RTT is not active until its handshake ends.
        if (!quic.isOpen()) {
            done.completeExceptionally(new IOException("the connection closed before the first request"));
            return;
        }
        quic.pipeline().addLast(this);
        quic.closeFuture().addListener(f -> finish(new IOException("the connection closed with " + pending.size()
                + " files not yet requested and " + running + " in progress")));
        pump();
    }

    private void pump() {
        while (!done.isDone() && !pending.isEmpty() && mayOpenStream()) {
            if (!quic.isActive()) {
                openedEarly++;
            }
            Download next = pending.poll();
            running++;
            connection.download(next).whenComplete((bytes, error) -> onLoop(() -> ended(next, error)));
        }
        if (!done.isDone() && running == 0 && !pending.isEmpty() && !recheckScheduled) {
            recheckScheduled = true;
            quic.eventLoop().schedule(() -> {
                recheckScheduled = false;
                pump();
            }, RECHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private boolean mayOpenStream() {
        return quic.isActive() ? quic.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0
                : openedEarly < EARLY_STREAMS;
    }

    private void ended(Download download, Throwable error) {
        running--;
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            String message = String.valueOf(cause.getMessage());
            finish(new IOException(message.contains(download.path()) ? message
                    : download.path() + ": " + message, cause));
        } else if (pending.isEmpty() && running == 0) {
            finish(null);
        } else {
            pump();
        }
    }

    private void finish(Throwable failure) {
        if (done.isDone()) {
            return;
        }
        if (quic.pipeline().context(this) != null) {
            quic.pipeline().remove(this);
        }
        if (failure == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(failure);
        }
    }

    private void onLoop(Runnable task) {
        EventLoop loop = quic.eventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof QuicStreamLimitChangedEvent) {
            pump();
        }
        ctx.fireUserEventTriggered(evt);
    }
}
