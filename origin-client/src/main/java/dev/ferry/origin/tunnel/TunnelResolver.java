package dev.ferry.origin.tunnel;

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
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resolves tunnel targets without blocking an event loop: IP literals at once, configured static entries at once
 * (a relay's own answer for a name, as curl's {@code --resolve}), anything else with the system resolver on a few
 * dedicated threads, the answer handed back on the tunnel's event loop.
 */
public final class TunnelResolver implements AutoCloseable {
    private final Map<String, List<InetAddress>> staticHosts;
    private final ExecutorService lookups;

    private TunnelResolver(Map<String, List<InetAddress>> staticHosts, int threads) {
        this.staticHosts = Map.copyOf(staticHosts);
        AtomicInteger n = new AtomicInteger();
        this.lookups = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "ferry-dns-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param staticHosts lower-case host name to addresses, answered without asking DNS
     */
    public static TunnelResolver create(Map<String, List<InetAddress>> staticHosts) {
        return new TunnelResolver(staticHosts, 4);
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
                try {
                    List<InetAddress> found = List.of(InetAddress.getAllByName(host));
                    loop.execute(() -> promise.trySuccess(found));
                } catch (UnknownHostException | SecurityException e) {
                    loop.execute(() -> promise.tryFailure(dnsError(host, e)));
                }
            });
        } catch (RejectedExecutionException e) {
            promise.setFailure(dnsError(host, e));
        }
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
