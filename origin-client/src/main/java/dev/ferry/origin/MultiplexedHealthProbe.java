package dev.ferry.origin;

import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.OriginExchange;
import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Active health checks of an HTTP/2 or HTTP/3 origin: each endpoint gets a connector of its own, on the checker's
 * event loop, through which a check is one GET stream. Like the data path, the checks of one endpoint share one
 * connection (that is what these protocols are for); a connection that fails shows as a failed check, and the
 * next check opens a new one. The request goes through the same origin code as traffic does, TLS, ALPN and
 * certificate checks included.
 */
final class MultiplexedHealthProbe implements AutoCloseable {
    private final List<HttpOriginConnector> connectors = new ArrayList<>();
    private final OriginSettings settings;
    private final HealthCheck check;

    MultiplexedHealthProbe(OriginSettings settings) {
        this.settings = settings;
        this.check = settings.balancing().healthCheck();
        for (InetSocketAddress endpoint : settings.endpoints()) {
            // One endpoint, no balancing and no checks of its own: a plain connection to check through.
            connectors.add(HttpOriginConnector.create(new OriginSettings(settings.name() + "-health",
                    settings.protocol(), List.of(endpoint), settings.sslContext(), settings.serverName(),
                    settings.verifyHostname(), Math.min(settings.connectTimeoutMillis(), check.timeoutMillis()),
                    1, 1, settings.idleTimeoutMillis(), 1, settings.caFile())));
        }
    }

    /**
     * Sends one check to {@code endpoint} on {@code loop}; {@code result} gets (passed, why) once, on the loop.
     *
     * @return what cancels the check when it takes too long
     */
    Runnable probe(EventLoop loop, int endpoint, BiConsumer<Boolean, String> result) {
        InetSocketAddress address = settings.endpoints().get(endpoint);
        String authority = check.host() != null ? check.host() : address.getHostString() + ":" + address.getPort();
        RequestHead head = RequestHead.builder().method("GET").scheme(settings.sslContext() == null
                && settings.protocol() != OriginProtocol.H3 ? "http" : "https").authority(authority)
                .path(check.path()).build();
        head.headers().set("user-agent", "ferry-health-check");
        Outcome outcome = new Outcome(result);
        OriginExchange exchange = connectors.get(endpoint).open(loop, head, outcome);
        exchange.writeEnd(null);
        return () -> {
            if (outcome.report(false, "no answer within " + check.timeoutMillis() + " ms")) {
                exchange.abort();
            }
        };
    }

    @Override
    public void close() {
        connectors.forEach(HttpOriginConnector::close);
    }

    /** Passes on a 2xx response head; anything else fails; reports once. */
    private static final class Outcome implements OriginListener {
        private final BiConsumer<Boolean, String> result;
        private boolean reported;

        Outcome(BiConsumer<Boolean, String> result) {
            this.result = result;
        }

        boolean report(boolean passed, String why) {
            if (reported) {
                return false;
            }
            reported = true;
            result.accept(passed, why);
            return true;
        }

        @Override
        public void onRequestSent() {
        }

        @Override
        public void onInformational(int status, HttpHeaders headers, String protocolVersion) {
        }

        @Override
        public void onResponseHead(int status, HttpHeaders headers, String protocolVersion) {
            report(status >= 200 && status < 300, "status " + status);
        }

        @Override
        public void onResponseBody(ByteBuf data) {
            data.release();
        }

        @Override
        public void onResponseEnd(HttpHeaders trailers) {
        }

        @Override
        public void onOriginWritabilityChanged() {
        }

        @Override
        public void onOriginFailure(ProxyException failure) {
            report(false, failure.getMessage());
        }
    }
}
