package dev.ferry.bridge.headers;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What an origin request says about the client it comes from: the Forwarded field of RFC 7239, the de facto
 * X-Forwarded-For and X-Forwarded-Proto fields, both, or nothing.
 *
 * <p>{@link Mode#APPEND} extends the chain a client sent; {@link Mode#REPLACE} drops every incoming client-address
 * field ({@link ClientIdentityFields#ADDRESS_FIELDS}) and writes only this hop's; {@link Mode#OMIT} drops them all
 * and writes nothing, for a relay that must not reveal its clients (RFC 7239 section 8.3). Under OMIT the client's
 * Via entries go too, since a Via entry may name an address or a host of the client's side; this relay's own entry
 * (received-by equal to its pseudonym) stays. Under APPEND and REPLACE the Via chain is kept, as RFC 9110 7.6.3
 * expects of a proxy. In every mode the fields named by {@link #extraStripped()} (the {@code headers.strip}
 * setting) and the relay's own credentials ({@link ClientIdentityFields#RELAY_CREDENTIALS}) are removed.
 *
 * <p>Nodes follow RFC 7239 section 6: an IPv6 address is bracketed and, since ":" and "[" are not token characters,
 * quoted ({@code for="[2001:db8::1]"}); an address that is unknown is written "unknown"; this proxy's name is an
 * obfuscated identifier, which must start with "_" (section 6.3), so a pseudonym "ferry" is written
 * {@code by=_ferry}. Ports are not written. X-Forwarded-For carries bare addresses, IPv6 without brackets.
 * Instances are immutable.
 */
public final class ForwardingPolicy {
    /** What happens to forwarding fields the request arrived with. */
    public enum Mode { APPEND, REPLACE, OMIT }

    /** Which fields this hop writes. */
    public enum Style { FORWARDED, X_FORWARDED_FOR, BOTH }

    private static final ForwardingPolicy DEFAULTS = new ForwardingPolicy(Mode.REPLACE, Style.FORWARDED, List.of());

    private final Mode mode;
    private final Style style;
    private final List<String> extraStripped;

    private ForwardingPolicy(Mode mode, Style style, List<String> extraStripped) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.style = Objects.requireNonNull(style, "style");
        List<String> names = new ArrayList<>();
        for (String name : extraStripped) {
            if (FieldSyntax.nameProblem(name.toLowerCase(Locale.ROOT)) != null) {
                throw new IllegalArgumentException("strip: " + name + " (expected: a field name)");
            }
            names.add(name.toLowerCase(Locale.ROOT));
        }
        this.extraStripped = List.copyOf(names);
    }

    public static ForwardingPolicy of(Mode mode, Style style) {
        return new ForwardingPolicy(mode, style, List.of());
    }

    /**
     * A policy that also removes {@code extraStripped} (field names, any case) from every origin request.
     *
     * @throws IllegalArgumentException when a name is not a field name
     */
    public static ForwardingPolicy of(Mode mode, Style style, List<String> extraStripped) {
        return new ForwardingPolicy(mode, style, extraStripped);
    }

    /**
     * REPLACE with FORWARDED. Replace, because anything a client puts in these fields is unverified: appending to
     * it would let a client name any address it likes to an origin that trusts the chain. Forwarded, because it is
     * the standard field (RFC 7239) and can say which protocol and which proxy without extra fields.
     */
    public static ForwardingPolicy defaults() {
        return DEFAULTS;
    }

    public Mode mode() {
        return mode;
    }

    public Style style() {
        return style;
    }

    /** Lower-case names removed in every mode besides the built-in lists. */
    public List<String> extraStripped() {
        return extraStripped;
    }

    /**
     * Applies this policy to an origin request's fields.
     *
     * @param client       the client's address; null or unresolved is written as "unknown"
     * @param proto        the scheme the client used ("https"), or null to leave it out
     * @param byPseudonym  this proxy's name for Forwarded "by", or null to leave it out
     * @throws IllegalArgumentException when {@code proto} is not a URI scheme or the pseudonym not a valid
     *                                  obfuscated identifier once prefixed with "_"
     */
    public void apply(HttpHeaders h, InetSocketAddress client, String proto, String byPseudonym) {
        if (proto != null && !isScheme(proto)) {
            throw new IllegalArgumentException("proto: " + proto + " (expected: a URI scheme)");
        }
        String by = byPseudonym == null ? null : obfuscatedNode(byPseudonym);
        for (String name : ClientIdentityFields.RELAY_CREDENTIALS) {
            h.remove(name);
        }
        for (String name : extraStripped) {
            h.remove(name);
        }
        if (mode != Mode.APPEND) {
            for (String name : ClientIdentityFields.ADDRESS_FIELDS) {
                h.remove(name);
            }
        }
        if (mode == Mode.OMIT) {
            ViaField.keepOnlyOwn(h, byPseudonym);
            return;
        }
        InetAddress address = client == null ? null : client.getAddress();
        if (style != Style.X_FORWARDED_FOR) {
            StringBuilder element = new StringBuilder("for=").append(forwardedNode(address));
            if (proto != null) {
                element.append(";proto=").append(proto);
            }
            if (by != null) {
                element.append(";by=").append(by);
            }
            appendToList(h, "forwarded", element.toString());
        }
        if (style != Style.FORWARDED) {
            appendToList(h, "x-forwarded-for", address == null ? "unknown" : NetUtil.toAddressString(address));
            // In APPEND mode an existing X-Forwarded-Proto describes the first hop and is kept.
            if (proto != null && !h.contains("x-forwarded-proto")) {
                h.set("x-forwarded-proto", proto);
            }
        }
    }

    private static void appendToList(HttpHeaders h, String name, String element) {
        List<String> existing = h.getAll(name);
        if (existing.isEmpty()) {
            h.set(name, element);
        } else {
            h.set(name, String.join(", ", existing) + ", " + element);
        }
    }

    /** RFC 7239 section 6: IPv4 as is, IPv6 bracketed and quoted, RFC 5952 text form, no zone. */
    static String forwardedNode(InetAddress address) {
        if (address == null) {
            return "unknown";
        }
        String text = NetUtil.toAddressString(address);
        return address instanceof Inet6Address ? "\"[" + text + "]\"" : text;
    }

    /** RFC 7239 section 6.3: obfnode = "_" 1*( ALPHA / DIGIT / "." / "_" / "-" ). */
    static String obfuscatedNode(String pseudonym) {
        if ("unknown".equals(pseudonym)) {
            return pseudonym;
        }
        String node = pseudonym.startsWith("_") ? pseudonym : "_" + pseudonym;
        boolean ok = node.length() > 1;
        for (int i = 1; ok && i < node.length(); i++) {
            char c = node.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
        }
        if (!ok) {
            throw new IllegalArgumentException(
                    "byPseudonym: " + pseudonym + " (expected: letters, digits, '.', '_', '-')");
        }
        return node;
    }

    private static boolean isScheme(String s) {
        boolean ok = !s.isEmpty() && Character.isLetter(s.charAt(0)) && s.charAt(0) < 128;
        for (int i = 1; ok && i < s.length(); i++) {
            char c = s.charAt(i);
            ok = c < 128 && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.');
        }
        return ok;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForwardingPolicy p && p.mode == mode && p.style == style
                && p.extraStripped.equals(extraStripped);
    }

    @Override
    public int hashCode() {
        return (mode.hashCode() * 31 + style.hashCode()) * 31 + extraStripped.hashCode();
    }

    @Override
    public String toString() {
        return "ForwardingPolicy(" + mode + ", " + style + (extraStripped.isEmpty() ? "" : ", strip " + extraStripped)
                + ')';
    }
}
