package dev.ferry.bridge.error;

/**
 * Formats the {@code Proxy-Status} field of RFC 9209: a structured-field list member naming this proxy, the error
 * type and a detail string. The next hop is never named: a privacy relay must not reveal it, and a plain relay
 * gains nothing from telling clients its internal addresses.
 */
public final class ProxyStatusField {
    public static final String NAME = "proxy-status";

    private ProxyStatusField() {
    }

    /** {@code ferry; error=connection_refused; details="..."}; the detail is escaped as an sf-string. */
    public static String format(String proxyName, ProxyErrorType type, String detail) {
        StringBuilder sb = new StringBuilder(proxyName.length() + 64);
        sb.append(proxyName).append("; error=").append(type.token());
        if (detail != null && !detail.isEmpty()) {
            sb.append("; details=\"");
            appendSfString(sb, detail);
            sb.append('"');
        }
        return sb.toString();
    }

    private static void appendSfString(StringBuilder sb, String s) {
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else {
                // sf-string allows printable ASCII only (RFC 8941 3.3.3).
                sb.append('?');
            }
        }
    }
}
