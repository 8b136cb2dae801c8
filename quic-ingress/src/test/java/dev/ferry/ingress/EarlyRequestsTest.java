package dev.ferry.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.exchange.RequestHead;
import org.junit.jupiter.api.Test;

class EarlyRequestsTest {

    private static RequestHead head(String method, String... fields) {
        RequestHead.Builder b = RequestHead.builder().method(method).scheme("https").authority("a.example")
                .path("/p");
        for (int i = 0; i < fields.length; i += 2) {
            b.headers().add(fields[i], fields[i + 1]);
        }
        return b.build();
    }

    @Test
    void onlySafeMethodsWithoutABodyMayGoOnInEarlyData() {
        assertTrue(EarlyRequests.mayForwardEarly(head("GET")));
        assertTrue(EarlyRequests.mayForwardEarly(head("HEAD")));
        assertTrue(EarlyRequests.mayForwardEarly(head("OPTIONS")));
        assertTrue(EarlyRequests.mayForwardEarly(head("GET", "content-length", "0")));
        assertFalse(EarlyRequests.mayForwardEarly(head("GET", "content-length", "5")), "a GET with a body");
        assertFalse(EarlyRequests.mayForwardEarly(head("POST")));
        assertFalse(EarlyRequests.mayForwardEarly(head("PUT")));
        assertFalse(EarlyRequests.mayForwardEarly(head("DELETE")));
        assertFalse(EarlyRequests.mayForwardEarly(head("TRACE")), "safe, but nothing a relay should hurry");
        RequestHead connect = RequestHead.builder().method("CONNECT").authority("a.example:443").build();
        assertFalse(EarlyRequests.mayForwardEarly(connect));
        RequestHead extended = RequestHead.builder().method("CONNECT").protocol("connect-udp").scheme("https")
                .authority("a.example").path("/.well-known/masque/udp/h/53/").build();
        assertFalse(EarlyRequests.mayForwardEarly(extended));
    }

    @Test
    void theMarkIsAddedOnceAndAClientsOwnMarkIsKept() {
        RequestHead marked = EarlyRequests.marked(head("GET", "accept", "*/*"));
        assertEquals("1", marked.headers().get("early-data"));
        assertEquals("*/*", marked.headers().get("accept"));
        assertFalse(EarlyRequests.markedByClient(head("GET")));

        RequestHead fromProxy = head("GET", "early-data", "1");
        assertTrue(EarlyRequests.markedByClient(fromProxy));
        assertSame(fromProxy, EarlyRequests.marked(fromProxy));
        assertEquals(1, EarlyRequests.marked(fromProxy).headers().getAll("early-data").size());
    }

    @Test
    void countsStartAtZero() {
        EarlyRequests counts = new EarlyRequests();
        counts.countForwardedEarly();
        counts.countHeld();
        counts.countHeld();
        assertEquals(1, counts.forwardedEarly());
        assertEquals(2, counts.heldUntilHandshake());
        assertEquals(0, counts.retriedAfterTooEarly());
    }
}
