package dev.ferry.bridge.headers;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every request field the relay knows that names a client's address or describes the chain of proxies in front of
 * an origin: the standard Forwarded (RFC 7239), the X-Forwarded-* family, and the single-address fields that CDNs and
 * load balancers set (True-Client-IP, CF-Connecting-IP, X-Real-IP and others).
 *
 * <p>An origin that trusts any of them can be told a forged address by a client, so under the {@code replace} and
 * {@code omit} forwarding modes every one is removed before the relay writes its own ({@link ForwardingPolicy}).
 * This is the one list; deployments add names of their own with the {@code headers.strip} setting.
 *
 * <p>Credentials meant for the relay itself ({@link #RELAY_CREDENTIALS}) are removed in every mode: an origin has no
 * use for the client's proxy credentials, and forwarding them would hand a secret to a third party.
 */
public final class ClientIdentityFields {
    /** Lower-case names of the client-address and forwarding-chain fields. */
    public static final List<String> ADDRESS_FIELDS = List.of(
            "forwarded",
            "x-forwarded-for",
            "x-forwarded-host",
            "x-forwarded-proto",
            "x-forwarded-port",
            "x-forwarded-server",
            "x-forwarded-by",
            "x-original-forwarded-for",
            "forwarded-for",
            "x-real-ip",
            "true-client-ip",
            "cf-connecting-ip",
            "cf-connecting-ipv6",
            "x-client-ip",
            "x-cluster-client-ip",
            "fastly-client-ip",
            "client-ip",
            "x-originating-ip",
            "x-remote-ip",
            "x-remote-addr",
            "x-proxyuser-ip",
            "x-envoy-external-address");

    /** Lower-case names of the fields that carry credentials for this relay (RFC 9110 11.7.2). */
    public static final List<String> RELAY_CREDENTIALS = List.of("proxy-authorization");

    private static final Set<String> ADDRESS_SET = Set.copyOf(ADDRESS_FIELDS);

    private ClientIdentityFields() {
    }

    /** True when {@code name} (any case) is one of {@link #ADDRESS_FIELDS}. */
    public static boolean isAddressField(String name) {
        return ADDRESS_SET.contains(name.toLowerCase(Locale.ROOT));
    }
}
