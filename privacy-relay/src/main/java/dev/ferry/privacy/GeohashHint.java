package dev.ferry.privacy;

/**
 * The {@code Sec-CH-Geohash} hint a client sends its egress hop (draft-pauly-httpbis-geohash-hint): an RFC 8941
 * sf-string of 1 to 12 geohash characters (base32 without a, i, l, o), naming its coarse location.
 */
final class GeohashHint {
    static final String FIELD = "sec-ch-geohash";
    private static final String ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

    private GeohashHint() {
    }

    /** The geohash in {@code value} (lower case), or null when it is not a well-formed hint. */
    static String parse(String value) {
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
}
