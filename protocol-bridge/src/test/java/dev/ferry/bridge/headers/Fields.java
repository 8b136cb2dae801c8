package dev.ferry.bridge.headers;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helpers: field lists written as "name", "value" pairs, and header blocks rendered as "name: value". */
final class Fields {
    private Fields() {
    }

    static List<Map.Entry<String, String>> list(String... nameValues) {
        if (nameValues.length % 2 != 0) {
            throw new IllegalArgumentException("odd number of strings");
        }
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            out.add(Map.entry(nameValues[i], nameValues[i + 1]));
        }
        return out;
    }

    static HttpHeaders headers(String... nameValues) {
        HttpHeaders h = new DefaultHttpHeaders(false);
        for (Map.Entry<String, String> e : list(nameValues)) {
            h.add(e.getKey(), e.getValue());
        }
        return h;
    }

    static List<String> render(HttpHeaders h) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : h) {
            out.add(e.getKey() + ": " + e.getValue());
        }
        return out;
    }

    /** The fields of a valid GET followed by {@code extra}. */
    static List<Map.Entry<String, String>> get(String... extra) {
        String[] base = {":method", "GET", ":scheme", "https", ":authority", "example.com", ":path", "/"};
        String[] out = new String[base.length + extra.length];
        System.arraycopy(base, 0, out, 0, base.length);
        System.arraycopy(extra, 0, out, base.length, extra.length);
        return list(out);
    }
}
