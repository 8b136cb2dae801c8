package dev.ferry.app.metrics;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ExchangeOutcome;
import dev.ferry.bridge.hook.ProxyHook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Records every exchange once it completes: requests by origin, client protocol and status class, the time to the
 * response head and the whole exchange as histograms, and errors by their Proxy-Status type. Labels are chosen so
 * that their number stays small and nothing identifying gets in: an origin's configured name, never an address, a
 * path or a tunnel target.
 *
 * <p>Runs on the event loops, at the end of an exchange. Each origin's meters are made once and kept together
 * ({@link OriginMeters}), so that recording an exchange is one map lookup by origin name, then atomic adds and a
 * lock-free histogram update, with nothing allocated: cheap enough to stay on for every request.
 */
public final class ExchangeMetrics implements ProxyHook {
    static final String REQUESTS = "ferry.requests";
    static final String DURATION = "ferry.request.duration";
    static final String HEAD_DURATION = "ferry.response.head.duration";
    static final String ERRORS = "ferry.proxy.errors";
    private static final Duration[] SLOS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final Map<String, OriginMeters> origins = new ConcurrentHashMap<>();

    private ExchangeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public static ExchangeMetrics create(MeterRegistry registry) {
        return new ExchangeMetrics(registry);
    }

    @Override
    public void onComplete(ExchangeContext ctx, ExchangeOutcome outcome) {
        String origin = originLabel(ctx, outcome);
        OriginMeters meters = origins.computeIfAbsent(origin, OriginMeters::new);
        meters.requests(protocolIndex(ctx.clientProtocol()), statusIndex(outcome.status())).increment();
        meters.duration.record(outcome.totalNanos(), TimeUnit.NANOSECONDS);
        if (outcome.timeToHeadNanos() >= 0) {
            meters.headDuration.record(outcome.timeToHeadNanos(), TimeUnit.NANOSECONDS);
        }
        if (outcome.error() != null) {
            meters.errors(outcome.error().ordinal()).increment();
        }
    }

    /** The client protocols that label requests; anything else is {@code unknown}. */
    private static final String[] PROTOCOLS = {"0.9", "1.1", "2", "3", "unknown"};
    /** Status classes by index: {@code none}, then 1xx to 5xx. */
    private static final String[] STATUSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private static int protocolIndex(String protocol) {
        if (protocol != null) {
            for (int i = 0; i < PROTOCOLS.length - 1; i++) {
                if (PROTOCOLS[i].equals(protocol)) {
                    return i;
                }
            }
        }
        return PROTOCOLS.length - 1;
    }

    private static int statusIndex(int status) {
        return status < 100 || status > 599 ? 0 : status / 100;
    }

    /** The meters of one origin label, made on first use: counters registered lazily, label set by label set. */
    private final class OriginMeters {
        private final String origin;
        private final Timer duration;
        private final Timer headDuration;
        private final AtomicReferenceArray<Counter> requests =
                new AtomicReferenceArray<>(PROTOCOLS.length * STATUSES.length);
        private final AtomicReferenceArray<Counter> errors =
                new AtomicReferenceArray<>(ProxyErrorType.values().length);

        OriginMeters(String origin) {
            this.origin = origin;
            this.duration = timer(DURATION, "From the request head to the end of the exchange", origin);
            this.headDuration = timer(HEAD_DURATION, "From the request head to the response head leaving", origin);
        }

        Counter requests(int protocol, int status) {
            int i = protocol * STATUSES.length + status;
            Counter c = requests.get(i);
            if (c == null) {
                // Registering the same meter twice gives the same counter, so a race here costs nothing.
                c = Counter.builder(REQUESTS).description("Exchanges completed, by origin, client protocol and "
                        + "status class").tags("origin", origin, "protocol", PROTOCOLS[protocol], "status",
                        STATUSES[status]).register(registry);
                requests.set(i, c);
            }
            return c;
        }

        Counter errors(int type) {
            Counter c = errors.get(type);
            if (c == null) {
                c = Counter.builder(ERRORS).description("Exchanges that ended in an error, by its Proxy-Status "
                        + "type (RFC 9209)").tags("origin", origin, "error", ProxyErrorType.values()[type].token())
                        .register(registry);
                errors.set(type, c);
            }
            return c;
        }
    }

    private Timer timer(String name, String description, String origin) {
        return Timer.builder(name).description(description).tags("origin", origin)
                .serviceLevelObjectives(SLOS).register(registry);
    }

    /**
     * The origin's configured name; for a tunnel its kind ({@code connect}, {@code connect-udp}, or
     * {@code connect-other} for any other extended CONNECT), since a tunnel's "origin" is its target, an address that
     * must not become a label, and its {@code :protocol} is the client's to choose.
     */
    static String originLabel(ExchangeContext ctx, ExchangeOutcome outcome) {
        if (outcome.request() != null && outcome.request().isConnect()) {
            String protocol = outcome.request().protocol();
            // The client writes :protocol: only names the relay serves become labels, or anyone could add series.
            return protocol == null ? "connect" : protocol.equals("connect-udp") ? "connect-udp" : "connect-other";
        }
        return ctx.originName() == null ? "none" : ctx.originName();
    }

    /** {@code 2xx} and the like; {@code none} when no status was sent (a reset before the head). */
    static String statusClass(int status) {
        return STATUSES[statusIndex(status)];
    }
}
