package dev.ferry.privacy;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * An egress hop's pools as an RFC 8805 geofeed, so that origins can place its source addresses: one CSV line per
 * address, {@code ip_prefix,alpha2code,region,city,postal_code}, each address a /32 or /128 prefix.
 */
public final class Geofeed {
    private Geofeed() {
    }

    /** The feed's text, a line per address, pools in order. */
    public static String of(List<EgressPool> pools) {
        StringBuilder out = new StringBuilder();
        out.append("# RFC 8805 geofeed: ip_prefix,alpha2code,region,city,postal_code\n");
        for (EgressPool pool : pools) {
            for (InetAddress address : pool.addresses()) {
                out.append(NetUtil.toAddressString(address))
                        .append(address instanceof Inet4Address ? "/32" : "/128").append(',')
                        .append(field(pool.country())).append(',').append(field(pool.region())).append(',')
                        .append(field(pool.city())).append(",\n");
            }
        }
        return out.toString();
    }

    /** A CSV field: commas and quotes cannot appear in the feed's plain fields, so they are dropped. */
    private static String field(String value) {
        return value.replace(",", "").replace("\"", "").trim();
    }
}
