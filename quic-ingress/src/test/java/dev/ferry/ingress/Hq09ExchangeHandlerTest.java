package dev.ferry.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class Hq09ExchangeHandlerTest {

    @Test
    void takesOnlyGetWithAnOriginFormPathOfVisibleAscii() {
        assertEquals("/a.bin", Hq09ExchangeHandler.parsePath("GET /a.bin"));
        assertEquals("/dir/f?x=1", Hq09ExchangeHandler.parsePath("GET /dir/f?x=1"));
        assertNull(Hq09ExchangeHandler.parsePath("POST /a.bin"));
        assertNull(Hq09ExchangeHandler.parsePath("GET a.bin"), "not origin-form");
        assertNull(Hq09ExchangeHandler.parsePath("GET /a.bin HTTP/1.1"), "HTTP/0.9 has no version");
        assertNull(Hq09ExchangeHandler.parsePath("GET /a\tb"));
        assertNull(Hq09ExchangeHandler.parsePath("GET /caf\u00e9"));
        assertNull(Hq09ExchangeHandler.parsePath("get /a.bin"), "methods are case-sensitive");
        assertNull(Hq09ExchangeHandler.parsePath(""));
    }
}
