package dev.ferry.bridge.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The path that routes and hooks judge: every spelling of /admin an origin would read as /admin becomes /admin. */
class PathNormalizerTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/admin, /admin",
        "/%61dmin, /admin",
        "/%41dmin, /Admin",
        "//admin, /admin",
        "/a//b///c, /a/b/c",
        "/a/../admin, /admin",
        "/./admin, /admin",
        "/a/%2e%2e/admin, /admin",
        "/a/%2E./admin, /admin",
        "/../../admin, /admin",
        "/admin/., /admin/",
        "/admin/x/.., /admin/",
        "/admin?x=/../y, /admin",
        "/%2fadmin, /%2Fadmin",
        "/a%5cb, /a%5Cb",
        "/%zz, /%zz",
        "/%, /%",
        "/, /",
        "'', /",
    })
    void normalizes(String raw, String expected) {
        assertEquals(expected, PathNormalizer.normalize(raw));
    }
}
