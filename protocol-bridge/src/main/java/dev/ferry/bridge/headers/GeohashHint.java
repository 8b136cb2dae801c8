package dev.ferry.bridge.headers;

/**
 * The {@code Sec-CH-Geohash} hint a client sends its egress hop (draft-pauly-httpbis-geohash-hint): an RFC 8941
 * sf-string of 1 to 12 geohash characters (base32 without a, i, l, o), naming its coarse location. The egress hop
 * reads it; the client sends it to that hop only.
 */
public final class GeohashHint {
    public static final String FIELD = "sec-ch-geohash";
    private static final String ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

    private GeohashHint() {
    }

    /** The geohash in {@code value} (lower case), or null when it is not a well-formed hint. */
    public static String parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.length() < 3 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
            return null;
        }
        String hash = v.substring(1, v.length() - 1);
        if (hash.isEmpty() || hash.length() > 12) {
            return null;
        }
        for (int i = 0; i < hash.length(); i++) {
            if (ALPHABET.indexOf(hash.charAt(i)) < 0) {
                return null;
            }
        }
        return hash;
    }

    /** True when {@code geohash} (without quotes) is 1 to 12 geohash characters. */
    public static boolean isGeohash(String geohash) {
        return geohash != null && parse(fieldValue(geohash)) != null;
    }

    /** The field value that carries {@code geohash}: an sf-string. */
    public static String fieldValue(String geohash) {
        return '"' + geohash + '"';
    }
}
