package dev.ferry.origin;

import dev.ferry.bridge.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;

/**
 * Runs an origin's {@link HealthCheck}s: one {@code GET} per endpoint and interval, on an event loop of its own so
 * that checks never wait behind traffic. For HTTP/1.1 each check is a new connection (over TLS when the origin uses
 * it); for HTTP/2 and HTTP/3 a stream on a connection kept for the checks ({@link MultiplexedHealthProbe}). Endpoints start healthy: a relay that just started must not refuse every request until a first round of
 * checks completes. The verdicts are read by every loop's {@link EndpointPicker}.
 */
final class ActiveHealthChecker implements AutoCloseable {
    private final String originName;
    private final List<InetSocketAddress> endpoints;
    private final HealthCheck check;
    private final OriginBootstraps bootstraps;
    private final Consumer<String> events;
    private final EventLoopGroup group;
    private final EventLoop loop;
    /** 1 while an endpoint is healthy; written on {@link #loop}, read by every event loop of the relay. */
    private final AtomicIntegerArray healthy;
    private final int[] passesInARow;
    private final int[] failuresInARow;
    private volatile boolean closed;
    /** For HTTP/2 and HTTP/3 origins, which are checked through a connection of their own; null for HTTP/1.1. */
    private final MultiplexedHealthProbe multiplexed;

    private ActiveHealthChecker(OriginSettings settings, OriginBootstraps bootstraps, Consumer<String> events) {
        this.originName = settings.name();
        this.endpoints = settings.endpoints();
        this.check = settings.balancing().healthCheck();
        this.bootstraps = bootstraps;
        this.events = events;
        this.group = Transport.selected().newGroup(1);
        this.loop = group.next();
        int n = endpoints.size();
        healthy = new AtomicIntegerArray(n);
        for (int i = 0; i < n; i++) {
            healthy.set(i, 1);
        }
        passesInARow = new int[n];
        failuresInARow = new int[n];
        multiplexed = settings.protocol() == OriginProtocol.H1 ? null : new MultiplexedHealthProbe(settings);
    }

    /** Starts checking every endpoint at once, then every interval. */
    static ActiveHealthChecker start(OriginSettings settings, OriginBootstraps bootstraps, Consumer<String> events) {
        ActiveHealthChecker checker = new ActiveHealthChecker(settings, bootstraps, events);
        for (int i = 0; i < checker.endpoints.size(); i++) {
            int endpoint = i;
            checker.loop.execute(() -> checker.check(endpoint));
        }
        return checker;
    }

    boolean healthy(int endpoint) {
        return healthy.get(endpoint) == 1;
    }

    private void check(int endpoint) {
        if (closed) {
            return;
        }
        if (multiplexed != null) {
            checkMultiplexed(endpoint);
            return;
        }
        InetSocketAddress address = endpoints.get(endpoint);
        Attempt attempt = new Attempt(endpoint);
        attempt.timeout = loop.schedule(() -> attempt.finish(false, "no answer within " + check.timeoutMillis()
                + " ms"), check.timeoutMillis(), TimeUnit.MILLISECONDS);
        Bootstrap bootstrap = bootstraps.http1(loop, address)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, check.timeoutMillis()));
        var connect = bootstrap.connect(address);
        attempt.channel = connect.channel();
        io.netty.util.concurrent.Promise<Channel> ready = loop.newPromise();
        bootstraps.whenReady(connect, ready);
        ready.addListener(f -> {
            if (!f.isSuccess()) {
                attempt.finish(false, "cannot connect: " + f.cause().getMessage());
                return;
            }
            Channel channel = (Channel) f.getNow();
            channel.pipeline().addLast(attempt);
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                    check.path());
            request.headers().set(HttpHeaderNames.HOST, check.host() != null ? check.host()
                    : address.getHostString() + ":" + address.getPort());
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            request.headers().set(HttpHeaderNames.USER_AGENT, "ferry-health-check");
            channel.writeAndFlush(request);
        });
    }

    /** One check of an HTTP/2 or HTTP/3 endpoint: a GET stream, failed when no answer comes within the timeout. */
    private void checkMultiplexed(int endpoint) {
        ScheduledFuture<?>[] timer = new ScheduledFuture<?>[1];
        Runnable cancel = multiplexed.probe(loop, endpoint, (passed, why) -> {
            if (timer[0] != null) {
                timer[0].cancel(false);
            }
            record(endpoint, passed, why);
        });
        timer[0] = loop.schedule(cancel, check.timeoutMillis(), TimeUnit.MILLISECONDS);
    }

    /** A check's result: counts it, turns the endpoint healthy or unhealthy at a threshold, plans the next. */
    private void record(int endpoint, boolean passed, String why) {
        if (passed) {
            failuresInARow[endpoint] = 0;
            passesInARow[endpoint]++;
            if (!healthy(endpoint) && passesInARow[endpoint] >= check.healthyThreshold()) {
                healthy.set(endpoint, 1);
                events.accept("origin " + originName + ": endpoint " + endpoints.get(endpoint).getHostString() + ":"
                        + endpoints.get(endpoint).getPort() + " healthy again after " + passesInARow[endpoint]
                        + " passed checks");
            }
        } else {
            passesInARow[endpoint] = 0;
            failuresInARow[endpoint]++;
            if (healthy(endpoint) && failuresInARow[endpoint] >= check.unhealthyThreshold()) {
                healthy.set(endpoint, 0);
                events.accept("origin " + originName + ": endpoint " + endpoints.get(endpoint).getHostString() + ":"
                        + endpoints.get(endpoint).getPort() + " unhealthy after " + failuresInARow[endpoint]
                        + " failed checks (last: " + why + ")");
            }
        }
        if (!closed) {
            loop.schedule(() -> check(endpoint), check.intervalMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (multiplexed != null) {
            multiplexed.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** One check of one endpoint; its handler reads the status line and closes. Everything runs on {@link #loop}. */
    private final class Attempt extends ChannelInboundHandlerAdapter {
        private final int endpoint;
        private Channel channel;
        private ScheduledFuture<?> timeout;
        private boolean finished;

        Attempt(int endpoint) {
            this.endpoint = endpoint;
        }

        void finish(boolean passed, String why) {
            if (finished) {
                return;
            }
            finished = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
            record(endpoint, passed, why);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse response) {
                    int status = response.status().code();
                    finish(status >= 200 && status < 300, "status " + status);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(false, "connection closed before an answer");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(false, cause.getMessage());
        }
    }
}
