package dev.ferry.origin;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * HTTP/1.1 keep-alive connections to one endpoint, owned by one event loop (so no locks): idle connections are
 * reused newest first, at most {@code maxConnections} are open, further requests wait their turn.
 */
final class Http1ConnectionPool {
    private final EventLoop loop;
    private final InetSocketAddress endpoint;
    private final OriginBootstraps bootstraps;
    private final OriginSettings settings;
    private final ArrayDeque<IdleConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Promise<Channel>> waiters = new ArrayDeque<>();
    private int open;
    /** Set when the origin's connector closes (a reload replaced it): connections are no longer kept. */
    private boolean closed;

    private record IdleConnection(Channel channel, long sinceNanos) {
    }

    Http1ConnectionPool(EventLoop loop, InetSocketAddress endpoint, OriginBootstraps bootstraps,
                        OriginSettings settings) {
        this.loop = loop;
        this.endpoint = endpoint;
        this.bootstraps = bootstraps;
        this.settings = settings;
    }

    /** Marks connections that already served an exchange. */
    private static final AttributeKey<Boolean> REUSED = AttributeKey.valueOf("ferry.http1.reused");

    /** True when {@code channel} served an exchange before this one. */
    static boolean wasReused(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(REUSED).get());
    }

    /** A new connection, never an idle one (for a retry after a reused one was found closed). */
    Future<Channel> acquireNew() {
        Promise<Channel> promise = loop.newPromise();
        connect(promise);
        return promise;
    }

    /** A connection whose pipeline ends with the HTTP/1.1 codec; completes on the pool's loop. */
    Future<Channel> acquire() {
        Promise<Channel> promise = loop.newPromise();
        IdleConnection candidate;
        long now = System.nanoTime();
        while ((candidate = idle.pollFirst()) != null) {
            boolean fresh = now - candidate.sinceNanos() < settings.idleTimeoutMillis() * 1_000_000L;
            if (candidate.channel().isActive() && fresh) {
                return promise.setSuccess(candidate.channel());
            }
            candidate.channel().close();
        }
        if (open < settings.maxConnectionsPerLoop()) {
            connect(promise);
        } else if (waiters.size() >= settings.maxPendingPerLoop()) {
            promise.setFailure(new PoolFullException(waiters.size()));
        } else {
            waiters.add(promise);
        }
        return promise;
    }

    private void connect(Promise<Channel> promise) {
        open++;
        Bootstrap bootstrap = bootstraps.http1(loop, endpoint);
        ChannelFuture connect = bootstrap.connect(endpoint);
        connect.channel().closeFuture().addListener(f -> onClosed(connect.channel()));
        bootstraps.whenReady(connect, promise);
    }

    /** Returns a connection after a complete exchange; it must be at a message boundary both ways. */
    void release(Channel channel) {
        if (!channel.isActive()) {
            return;
        }
        channel.attr(REUSED).set(Boolean.TRUE);
        if (closed) {
            channel.close();
            return;
        }
        Promise<Channel> waiter = waiters.poll();
        if (waiter != null) {
            waiter.setSuccess(channel);
            return;
        }
        if (idle.size() >= settings.maxIdlePerLoop()) {
            channel.close();
            return;
        }
        idle.addFirst(new IdleConnection(channel, System.nanoTime()));
    }

    /**
     * Closes the idle connections and keeps none from now on; connections still serving an exchange close when it
     * ends. Call on the pool's loop.
     */
    void close() {
        closed = true;
        IdleConnection c;
        while ((c = idle.pollFirst()) != null) {
            c.channel().close();
        }
    }

    /** The pool's counts; call on its loop. */
    PoolStats stats() {
        return new PoolStats(open, idle.size(), waiters.size());
    }

    private void onClosed(Channel channel) {
        open--;
        idle.removeIf(c -> c.channel() == channel);
        Promise<Channel> waiter = waiters.poll();
        if (waiter != null) {
            connect(waiter);
        }
    }
}
