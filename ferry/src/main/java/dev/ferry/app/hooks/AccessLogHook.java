package dev.ferry.app.hooks;

import dev.ferry.app.hooks.AccessLogFields.Field;
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
 *
 * <p>Which fields a line holds is an {@link AccessLogFields} selection fixed at creation (a privacy relay's egress
 * leaves out the client address, see {@code access-log.fields}); the order of those present never changes. The
 * selection costs one bit test per field and nothing else: a field that is off is neither computed nor written.
 */
public final class AccessLogHook implements ProxyHook {
    private final Consumer<String> sink;
    private final AccessLogFields fields;

    private AccessLogHook(Consumer<String> sink, AccessLogFields fields) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.fields = Objects.requireNonNull(fields, "fields");
    }

    /** Every field, to {@code sink}. */
    public static AccessLogHook create(Consumer<String> sink) {
        return new AccessLogHook(sink, AccessLogFields.all());
    }

    /** Only {@code fields}, to {@code sink}. */
    public static AccessLogHook create(Consumer<String> sink, AccessLogFields fields) {
        return new AccessLogHook(sink, fields);
    }

    public static AccessLogHook to(PrintStream out) {
        return new AccessLogHook(out::println, AccessLogFields.all());
    }

    @Override
    public void onComplete(ExchangeContext ctx, ExchangeOutcome outcome) {
        sink.accept(format(ctx, outcome, fields));
    }

    static String format(ExchangeContext ctx, ExchangeOutcome outcome) {
        return format(ctx, outcome, AccessLogFields.all());
    }

    static String format(ExchangeContext ctx, ExchangeOutcome outcome, AccessLogFields fields) {
        RequestHead request = outcome.request();
        StringBuilder sb = new StringBuilder(256).append('{');
        if (fields.has(Field.TIME)) {
            string(sb, "time", Instant.now().toString());
        }
        if (fields.has(Field.ID)) {
            key(sb, "id").append(ctx.id());
        }
        if (fields.has(Field.CLIENT)) {
            string(sb, "client", ctx.clientAddress() == null ? null
                    : ctx.clientAddress().getAddress().getHostAddress());
        }
        if (fields.has(Field.PROTOCOL)) {
            string(sb, "protocol", ctx.clientProtocol());
        }
        if (fields.has(Field.METHOD)) {
            string(sb, "method", request == null ? null : request.method());
        }
        if (fields.has(Field.AUTHORITY)) {
            string(sb, "authority", request == null ? null : request.authority());
        }
        if (fields.has(Field.PATH)) {
            string(sb, "path", request == null ? null : request.path());
        }
        if (fields.has(Field.STATUS)) {
            key(sb, "status").append(outcome.status());
        }
        if (fields.has(Field.BYTES_IN)) {
            key(sb, "bytes_in").append(outcome.requestBodyBytes());
        }
        if (fields.has(Field.BYTES_OUT)) {
            key(sb, "bytes_out").append(outcome.responseBodyBytes());
        }
        if (fields.has(Field.HEAD_MS)) {
            key(sb, "head_ms").append(millis(outcome.timeToHeadNanos()));
        }
        if (fields.has(Field.TOTAL_MS)) {
            key(sb, "total_ms").append(millis(outcome.totalNanos()));
        }
        if (fields.has(Field.ORIGIN)) {
            string(sb, "origin", ctx.originName());
        }
        if (fields.has(Field.ERROR)) {
            string(sb, "error", outcome.error() == null ? null : outcome.error().token());
        }
        if (fields.has(Field.DETAIL)) {
            string(sb, "detail", outcome.errorDetail());
        }
        TunnelCounters tunnel = ctx.get(TunnelCounters.KEY);
        if (tunnel != null) {
            if (fields.has(Field.DATAGRAMS_IN)) {
                key(sb, "datagrams_in").append(tunnel.datagramsToTarget());
            }
            if (fields.has(Field.DATAGRAMS_OUT)) {
                key(sb, "datagrams_out").append(tunnel.datagramsToClient());
            }
            if (fields.has(Field.CAPSULES_OUT)) {
                key(sb, "capsules_out").append(tunnel.capsulesToClient());
            }
            if (fields.has(Field.DATAGRAMS_DROPPED)) {
                key(sb, "datagrams_dropped").append(tunnel.totalDrops());
            }
        }
        return sb.append('}').toString();
    }

    /** Starts a member: a comma unless it is the first, then the quoted key and a colon. */
    private static StringBuilder key(StringBuilder sb, String name) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        return sb.append('"').append(name).append("\":");
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

    private static StringBuilder string(StringBuilder sb, String name, String value) {
        key(sb, name);
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
