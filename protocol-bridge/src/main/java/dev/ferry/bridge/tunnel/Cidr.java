package dev.ferry.bridge.tunnel;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IP network in CIDR notation (RFC 4632 section 3.1 for IPv4, RFC 4291 section 2.3 for IPv6): "10.0.0.0/8",
 * "fc00::/7", or a single host written without a prefix length ("192.0.2.1" is /32, "2001:db8::1" is /128).
 *
 * <p>Parsing never touches DNS: {@link InetAddress#getByName} would resolve anything that is not a literal, and it
 * turns "::ffff:a.b.c.d" into an IPv4 address, which would make "::ffff:0:0/96" unwritable. Host bits below the
 * prefix must be zero ("10.0.0.1/8" is rejected), so a typo cannot silently widen or shift a rule.
 *
 * <p>Families never mix: an IPv4 network never contains an IPv6 address, IPv4-mapped ones included. Unwrapping
 * embedded IPv4 addresses is {@link EgressPolicy}'s job, where it is one explicit rule instead of a surprise here.
 */
public final class Cidr {
    private static final Cidr MAPPED = new Cidr(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 0, 0, 0, 0}, 96);

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** Parses "address/prefix" or a bare address; throws {@link IllegalArgumentException} naming the input. */
    public static Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        byte[] address = parseLiteral(addressPart);
        if (address == null) {
            throw new IllegalArgumentException(text + ": not an IPv4 or IPv6 address literal");
        }
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException(text + ": prefix length '" + p + "' is not a number");
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException(
                        text + ": prefix length " + prefix + " (expected: 0.." + max + ')');
            }
        }
        if (!Arrays.equals(address, mask(address, prefix))) {
            throw new IllegalArgumentException(text + ": host bits set below the prefix (did you mean "
                    + format(mask(address, prefix)) + '/' + prefix + "?)");
        }
        return new Cidr(address, prefix);
    }

    /**
     * Parses an IPv4 or IPv6 address literal without DNS. IPv4 is strict dotted-quad (no leading zeros, no
     * "10.1" shorthand); IPv6 follows RFC 4291 section 2.2, zone identifiers are rejected. An IPv6 literal always
     * gives an {@link Inet6Address}, also for "::ffff:a.b.c.d".
     */
    public static InetAddress parseAddress(String literal) {
        byte[] bytes = parseLiteral(Objects.requireNonNull(literal, "literal").strip());
        if (bytes == null) {
            throw new IllegalArgumentException(literal + ": not an IPv4 or IPv6 address literal");
        }
        try {
            return bytes.length == 4 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // unreachable: the length is 4 or 16
        }
    }

    /** True when {@code address} is of this network's family and inside it. */
    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** As {@link #contains(InetAddress)}, on raw bytes (4 for IPv4, 16 for IPv6). */
    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xff << (8 - rest)) & 0xff;
        return (address[full] & m) == (network[full] & 0xff);
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** The canonical text: RFC 5952 for IPv6, always with the prefix length. */
    @Override
    public String toString() {
        return format(network) + '/' + prefixLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    /** Formats 4 or 16 address bytes: dotted quad, or RFC 5952 text (lower case, longest zero run as "::"). */
    static String format(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + '.' + (a[2] & 0xff) + '.' + (a[3] & 0xff);
        }
        if (MAPPED.contains(a)) { // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad
            return "::ffff:" + format(Arrays.copyOfRange(a, 12, 16));
        }
        int bestStart = -1;
        int bestLen = 1; // RFC 5952 4.2.2: a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && group(a, j) == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(a, i)));
        }
        return sb.toString();
    }

    private static boolean isAsciiHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int group(byte[] a, int i) {
        return ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] m = address.clone();
        for (int bit = prefix; bit < m.length * 8; bit++) {
            m[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return m;
    }

    private static byte[] parseLiteral(String s) {
        return s.indexOf(':') >= 0 ? parseIpv6(s) : parseIpv4(s);
    }

    private static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')
                    || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] parseIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap < 0 ? s : s.substring(0, gap);
        String tail = gap < 0 ? "" : s.substring(gap + 2);
        int[] headGroups = groups(head, gap < 0);
        int[] tailGroups = groups(tail, true);
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int n = headGroups.length + tailGroups.length;
        if (gap < 0 ? n != 8 : n > 7) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < headGroups.length; i++) {
            out[2 * i] = (byte) (headGroups[i] >> 8);
            out[2 * i + 1] = (byte) headGroups[i];
        }
        for (int i = 0; i < tailGroups.length; i++) {
            int g = 8 - tailGroups.length + i;
            out[2 * g] = (byte) (tailGroups[i] >> 8);
            out[2 * g + 1] = (byte) tailGroups[i];
        }
        return out;
    }

    /** 16-bit groups of one side of "::"; a trailing dotted quad counts as two groups when allowed. */
    private static int[] groups(String s, boolean mayEndInIpv4) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int last = parts.length - 1;
        boolean v4 = mayEndInIpv4 && parts[last].indexOf('.') >= 0;
        int[] out = new int[parts.length + (v4 ? 1 : 0)];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (v4 && i == last) {
                byte[] q = parseIpv4(p);
                if (q == null) {
                    return null;
                }
                out[i] = ((q[0] & 0xff) << 8) | (q[1] & 0xff);
                out[i + 1] = ((q[2] & 0xff) << 8) | (q[3] & 0xff);
            } else {
                if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(Cidr::isAsciiHex)) {
                    return null;
                }
                out[i] = Integer.parseInt(p, 16);
            }
        }
        return out;
    }
}
