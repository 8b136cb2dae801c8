package dev.ferry.bridge.modules;

import dev.ferry.bridge.builtin.ProxyAuthHook;
import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.HookFactory;
import dev.ferry.bridge.hook.ProxyHook;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code name: rate-limit}: a token bucket per client address or per credential; a request over the limit is
 * answered 429 with {@code Retry-After} (whole seconds until a token is there), the origin never contacted.
 * Per credential means the identity {@code proxy-auth} established (a token's or a client certificate's digest,
 * never the secret); a request without one is limited by its address.
 */
public final class RateLimitFactory implements HookFactory<RateLimitFactory.Config> {
    static final String CLIENT_ADDRESS = "client-address";
    static final String CREDENTIAL = "credential";

    /**
     * @param rate    {@code rate}, default 10: requests per second allowed per key, sustained
     * @param burst   {@code burst}, default 20: requests allowed at once after a quiet spell
     * @param key     {@code key}, default {@code client-address}: or {@code credential}
     * @param maxKeys {@code max-keys}, default 100000: keys tracked at once (memory bound)
     */
    public record Config(double rate, int burst, String key, int maxKeys) {
        public static Config defaults() {
            return new Config(10, 20, CLIENT_ADDRESS, 100_000);
        }
    }

    private final LongSupplier nanoTime;

    public RateLimitFactory() {
        this(System::nanoTime);
    }

    RateLimitFactory(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Override
    public String name() {
        return "rate-limit";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public ProxyHook create(Config config) {
        if (!(config.rate() > 0)) {
            throw new IllegalArgumentException("rate: " + config.rate() + " (expected: more than 0 per second)");
        }
        if (config.burst() < 1) {
            throw new IllegalArgumentException("burst: " + config.burst() + " (expected: at least 1)");
        }
        if (!CLIENT_ADDRESS.equals(config.key()) && !CREDENTIAL.equals(config.key())) {
            throw new IllegalArgumentException("key: " + config.key() + " (expected: client-address or credential)");
        }
        if (config.maxKeys() < 1) {
            throw new IllegalArgumentException("max-keys: " + config.maxKeys() + " (expected: at least 1)");
        }
        TokenBuckets buckets = new TokenBuckets(config.rate(), config.burst(), config.maxKeys(), nanoTime);
        boolean byCredential = CREDENTIAL.equals(config.key());
        return new ProxyHook() {
            @Override
            public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
                long waitNanos = buckets.take(key(ctx, byCredential));
                if (waitNanos == 0) {
                    return HookDecision.proceed();
                }
                long second = TimeUnit.SECONDS.toNanos(1);
                long seconds = Math.max(1, (waitNanos + second - 1) / second);
                HttpHeaders extra = new DefaultHttpHeaders(false);
                extra.set("retry-after", Long.toString(seconds));
                return Modules.answer(429, "text/plain; charset=utf-8", "rate limit exceeded\n", extra);
            }
        };
    }

    private static Object key(ExchangeContext ctx, boolean byCredential) {
        if (byCredential) {
            String credential = ctx.get(ProxyAuthHook.CREDENTIAL);
            if (credential != null) {
                return "credential:" + credential;
            }
        }
        InetSocketAddress client = ctx.clientAddress();
        return client == null || client.getAddress() == null ? "unknown" : client.getAddress();
    }
}
