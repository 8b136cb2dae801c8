package dev.ferry.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteConfigTest {
    @ParameterizedTest(name = "{0} {1} on {2}{3} -> {4}")
    @CsvSource(nullValues = "null", value = {
            "*,               /,     any.host,             /x,        true",
            "*,               /,     null,                 null,      true",
            "api.example.com, /,     api.example.com,      /,         true",
            "api.example.com, /,     API.Example.COM:443,  /,         true",
            "api.example.com, /,     api.example.com.,     /,         true",
            "api.example.com, /,     www.example.com,      /,         false",
            "api.example.com, /,     null,                 /,         false",
            "*.example.com,   /,     a.example.com,        /,         true",
            "*.example.com,   /,     a.b.example.com:8443, /,         true",
            "*.example.com,   /,     example.com,          /,         false",
            "*.example.com,   /,     badexample.com,       /,         false",
            "::1,             /,     [::1]:8443,           /,         true",
            "*,               /api,  h,                    /api,      true",
            "*,               /api,  h,                    /api/v1,   true",
            "*,               /api,  h,                    /api?x=1,  true",
            "*,               /api,  h,                    /apis,     false",
            "*,               /api/, h,                    /api/v1,   true",
            "*,               /api/, h,                    /api,      false",
            "*,               /,     h,                    null,      true",
    })
    void matchesHostAndPathPrefix(String authority, String prefix, String host, String path, boolean expected) {
        assertEquals(expected, new RouteConfig(authority, prefix, "o").matches(host, path));
    }

    @org.junit.jupiter.api.Test
    void refusesAPrefixWithoutLeadingSlash() {
        assertThrows(IllegalArgumentException.class, () -> new RouteConfig("*", "api", "o"));
    }
}
