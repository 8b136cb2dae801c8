package dev.ferry.app.hooks;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ExchangeOutcome;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.TunnelCounters;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Writes one JSON line per exchange when it completes: method, authority, path, status, body bytes each way,
 * time to the response head and in total (milliseconds, three decimals), origin, and the RFC 9209 error type.
 * Lines go to a sink that must be thread-safe (a {@link PrintStream} is).
 */
public final class AccessLogHook implements ProxyHook {
    private final Consumer<String> sink;

    private AccessLogHook(Consumer<String> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    public static AccessLogHook create(Consumer<String> sink) {
        return new AccessLogHook(sink);
    }

    public static AccessLogHook to(PrintStream out) {
        return new AccessLogHook(out::println);
    }

    @Override
    public void onComplete(ExchangeContext ctx, ExchangeOutcome outcome) {
        sink.accept(format(ctx, outcome));
    }

    static String format(ExchangeContext ctx, ExchangeOutcome outcome) {
        RequestHead request = outcome.request();
        StringBuilder sb = new StringBuilder(256).append('{');
        field(sb, "time", Instant.now().toString()).append(',');
        sb.append("\"id\":").append(ctx.id()).append(',');
        field(sb, "client", ctx.clientAddress() == null ? null : ctx.clientAddress().getAddress().getHostAddress())
                .append(',');
        field(sb, "protocol", ctx.clientProtocol()).append(',');
        field(sb, "method", request == null ? null : request.method()).append(',');
        field(sb, "authority", request == null ? null : request.authority()).append(',');
        field(sb, "path", request == null ? null : request.path()).append(',');
        sb.append("\"status\":").append(outcome.status()).append(',');
        sb.append("\"bytes_in\":").append(outcome.requestBodyBytes()).append(',');
        sb.append("\"bytes_out\":").append(outcome.responseBodyBytes()).append(',');
        sb.append("\"head_ms\":").append(millis(outcome.timeToHeadNanos())).append(',');
        sb.append("\"total_ms\":").append(millis(outcome.totalNanos())).append(',');
        field(sb, "origin", ctx.originName()).append(',');
        field(sb, "error", outcome.error() == null ? null : outcome.error().token()).append(',');
        field(sb, "detail", outcome.errorDetail());
        TunnelCounters tunnel = ctx.get(TunnelCounters.KEY);
        if (tunnel != null) {
            sb.append(",\"datagrams_in\":").append(tunnel.datagramsToTarget())
                    .append(",\"datagrams_out\":").append(tunnel.datagramsToClient())
                    .append(",\"capsules_out\":").append(tunnel.capsulesToClient())
                    .append(",\"datagrams_dropped\":").append(tunnel.totalDrops());
        }
        return sb.append('}').toString();
    }

    private static String millis(long nanos) {
        if (nanos < 0) {
            return "null";
        }
        // Once per exchange on the event loop: integer arithmetic rather than String.format's parser.
        long micros = TimeUnit.NANOSECONDS.toMicros(nanos);
        long fraction = micros % 1000;
        return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":");
        if (value == null) {
            return sb.append("null");
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
