package dev.ferry.bridge.hook;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-exchange state shared by the hooks of one exchange: who asked, when, which route was taken, and attributes
 * that hooks set for each other. Only touched on the exchange's event loop, hence no synchronisation.
 */
public final class ExchangeContext {
    private final long id;
    private final InetSocketAddress clientAddress;
    private final String clientProtocol;
    private final long startNanos;
    private final Map<AttributeKey<?>, Object> attributes = new HashMap<>();
    private String originName;

    /**
     * The client's certificate chain when it authenticated with mutual TLS (already verified by the TLS layer
     * against the configured CA), else absent. Set by the driver before any hook runs.
     */
    public static final AttributeKey<java.security.cert.X509Certificate[]> CLIENT_CERTIFICATES =
            AttributeKey.of("client-certificates");

    public ExchangeContext(long id, InetSocketAddress clientAddress, String clientProtocol, long startNanos) {
        this.id = id;
        this.clientAddress = clientAddress;
        this.clientProtocol = clientProtocol;
        this.startNanos = startNanos;
    }

    /** A number unique within this process, for correlating log lines. */
    public long id() {
        return id;
    }

    public InetSocketAddress clientAddress() {
        return clientAddress;
    }

    /** The protocol version the client spoke, as written in Via: "3", "2" or "1.1". */
    public String clientProtocol() {
        return clientProtocol;
    }

    public long startNanos() {
        return startNanos;
    }

    /** The name of the origin chosen by routing, or null before routing or when none matched. */
    public String originName() {
        return originName;
    }

    public void originName(String name) {
        this.originName = name;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(AttributeKey<T> key) {
        return (T) attributes.get(key);
    }

    public <T> void set(AttributeKey<T> key, T value) {
        attributes.put(key, value);
    }

    /** A typed key for {@link ExchangeContext} attributes; compare by identity. */
    public static final class AttributeKey<T> {
        private final String name;

        private AttributeKey(String name) {
            this.name = name;
        }

        public static <T> AttributeKey<T> of(String name) {
            return new AttributeKey<>(name);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
