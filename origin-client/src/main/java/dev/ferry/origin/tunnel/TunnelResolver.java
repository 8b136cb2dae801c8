package dev.ferry.origin.tunnel;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resolves tunnel targets without blocking an event loop: IP literals at once, configured static entries at once
 * (a relay's own answer for a name, as curl's {@code --resolve}), anything else with the system resolver on a few
 * dedicated threads, the answer handed back on the tunnel's event loop.
 *
 * <p>Two bounds keep one slow resolver from stalling every tunnel: each lookup has a deadline (past it the request
 * fails with {@code dns_timeout}, 504, and a lookup still queued is skipped), and the queue of lookups waiting for a
 * thread is bounded (past it the request fails at once with {@code connection_limit_reached}, 503).
 */
public final class TunnelResolver implements AutoCloseable {
    /** Lookups that may wait for a resolver thread. */
    static final int QUEUE = 256;
    static final int THREADS = 4;

    private final Map<String, List<InetAddress>> staticHosts;
    private final ExecutorService lookups;
    private final long timeoutMillis;

    private TunnelResolver(Map<String, List<InetAddress>> staticHosts, int threads, long timeoutMillis) {
        this.staticHosts = Map.copyOf(staticHosts);
        this.timeoutMillis = timeoutMillis;
        AtomicInteger n = new AtomicInteger();
        this.lookups = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "ferry-dns-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * @param staticHosts   lower-case host name to addresses, answered without asking DNS
     * @param timeoutMillis how long a lookup may take before the request fails with {@code dns_timeout}
     */
    public static TunnelResolver create(Map<String, List<InetAddress>> staticHosts, long timeoutMillis) {
        return new TunnelResolver(staticHosts, THREADS, timeoutMillis);
    }

    /** A resolver with the default 5 s deadline. */
    public static TunnelResolver create(Map<String, List<InetAddress>> staticHosts) {
        return create(staticHosts, 5_000);
    }

    /** The addresses of {@code host}; fails with a {@code dns_error} {@link ProxyException}. */
    public Future<List<InetAddress>> resolve(EventLoop loop, String host) {
        Promise<List<InetAddress>> promise = loop.newPromise();
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                return promise.setSuccess(List.of(InetAddress.getByAddress(host, literal)));
            } catch (UnknownHostException e) {
                return promise.setFailure(dnsError(host, e));
            }
        }
        List<InetAddress> fixed = staticHosts.get(host.toLowerCase(java.util.Locale.ROOT));
        if (fixed != null) {
            return promise.setSuccess(fixed);
        }
        try {
            lookups.execute(() -> {
                if (promise.isDone()) {
                    return; // timed out while queued: no need to ask any more
                }
                try {
                    List<InetAddress> found = List.of(InetAddress.getAllByName(host));
                    loop.execute(() -> promise.trySuccess(found));
                } catch (UnknownHostException | SecurityException e) {
                    loop.execute(() -> promise.tryFailure(dnsError(host, e)));
                }
            });
        } catch (RejectedExecutionException e) {
            return promise.setFailure(new ProxyException(ProxyErrorType.CONNECTION_LIMIT_REACHED,
                    ProxyException.Side.PROXY, true, "resolver busy: " + QUEUE + " lookups already waiting"));
        }
        ScheduledFuture<?> deadline = loop.schedule(() -> {
            promise.tryFailure(new ProxyException(ProxyErrorType.DNS_TIMEOUT, ProxyException.Side.ORIGIN, true,
                    "no answer for " + host + " within " + timeoutMillis + " ms"));
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        promise.addListener(f -> deadline.cancel(false));
        return promise;
    }

    private static ProxyException dnsError(String host, Exception cause) {
        return new ProxyException(ProxyErrorType.DNS_ERROR, ProxyException.Side.ORIGIN, true,
                "cannot resolve " + host, cause);
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }
}
