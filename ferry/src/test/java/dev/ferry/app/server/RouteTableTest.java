package dev.ferry.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.app.config.RouteConfig;
import dev.ferry.bridge.exchange.OriginSelector.SelectedOrigin;
import dev.ferry.bridge.exchange.RequestHead;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Routes judge the normalized path: no spelling of /admin reaches the public origin instead of the admin one. */
class RouteTableTest {
    private static final SelectedOrigin ADMIN = new SelectedOrigin("admin", null, 0, 0);
    private static final SelectedOrigin PUBLIC = new SelectedOrigin("public", null, 0, 0);
    private final RouteTable routes = new RouteTable(
            List.of(new RouteConfig("*", "/admin", "admin"), new RouteConfig("*", "/", "public")),
            Map.of("admin", ADMIN, "public", PUBLIC));

    private SelectedOrigin route(String path) {
        return routes.select(null, RequestHead.builder().method("GET").scheme("https").authority("app.test")
                .path(path).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin", "/%61dmin", "//admin", "/a/../admin", "/./admin/", "/%2e%2e/admin/x",
        "///admin?q=1"})
    void everySpellingOfAdminTakesTheAdminRoute(String path) {
        assertEquals("admin", route(path).name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/administrator", "/x/admin", "/%2Fadmin"})
    void otherPathsTakeThePublicRoute(String path) {
        assertEquals("public", route(path).name());
    }
}
