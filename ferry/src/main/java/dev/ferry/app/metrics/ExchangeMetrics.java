package dev.ferry.app.metrics;

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

/**
 * Records every exchange once it completes: requests by origin, client protocol and status class, the time to the
 * response head and the whole exchange as histograms, and errors by their Proxy-Status type. Labels are chosen so
 * that their number stays small and nothing identifying gets in: an origin's configured name, never an address, a
 * path or a tunnel target.
 *
 * <p>Runs on the event loops, at the end of an exchange. Meters are looked up once per label set and kept in a
 * map; recording is then an atomic add (counters) or a lock-free histogram update (timers), which is what keeps
 * it cheap enough to stay on for every request.
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
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Timer> headDurations = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();

    private ExchangeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public static ExchangeMetrics create(MeterRegistry registry) {
        return new ExchangeMetrics(registry);
    }

    @Override
    public void onComplete(ExchangeContext ctx, ExchangeOutcome outcome) {
        String origin = originLabel(ctx, outcome);
        String protocol = ctx.clientProtocol() == null ? "unknown" : ctx.clientProtocol();
        String status = statusClass(outcome.status());
        requests.computeIfAbsent(origin + '\0' + protocol + '\0' + status, k -> Counter.builder(REQUESTS)
                .description("Exchanges completed, by origin, client protocol and status class")
                .tags("origin", origin, "protocol", protocol, "status", status).register(registry)).increment();
        durations.computeIfAbsent(origin, k -> timer(DURATION, "From the request head to the end of the exchange",
                origin)).record(outcome.totalNanos(), TimeUnit.NANOSECONDS);
        if (outcome.timeToHeadNanos() >= 0) {
            headDurations.computeIfAbsent(origin, k -> timer(HEAD_DURATION,
                    "From the request head to the response head leaving", origin))
                    .record(outcome.timeToHeadNanos(), TimeUnit.NANOSECONDS);
        }
        if (outcome.error() != null) {
            String type = outcome.error().token();
            errors.computeIfAbsent(origin + '\0' + type, k -> Counter.builder(ERRORS)
                    .description("Exchanges that ended in an error, by its Proxy-Status type (RFC 9209)")
                    .tags("origin", origin, "error", type).register(registry)).increment();
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
        return status < 100 || status > 599 ? "none" : (status / 100) + "xx";
    }
}
