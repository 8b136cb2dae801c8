package dev.ferry.tcpingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.error.ProxyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Http1RequestsTest {
    private static Http1RequestParser.Head head(String method, String target, String version, String... fields) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        for (int i = 0; i < fields.length; i += 2) {
            list.add(Map.entry(fields[i], fields[i + 1]));
        }
        return new Http1RequestParser.Head(method, target, version, list);
    }

    private static int refusal(Http1RequestParser.Head head) {
        return assertThrows(ProxyException.class, () -> Http1Requests.toRequest(head)).status();
    }

    @Test
    void originFormTakesTheAuthorityFromHost() {
        Http1Requests.Parsed p = Http1Requests.toRequest(head("GET", "/x?y", "HTTP/1.1", "Host", "a.test",
                "Accept", "*/*"));
        assertEquals("a.test", p.head().authority());
        assertEquals("/x?y", p.head().path());
        assertEquals("https", p.head().scheme());
        assertEquals("*/*", p.head().headers().get("accept"));
        assertTrue(p.keepAlive());
        assertEquals(-1, p.contentLength());
        assertFalse(p.chunked());
    }

    @Test
    void absoluteFormReplacesHost() {
        Http1Requests.Parsed p = Http1Requests.toRequest(head("GET", "https://b.test:8443/p", "HTTP/1.1",
                "Host", "other.test"));
        assertEquals("b.test:8443", p.head().authority());
        assertEquals("/p", p.head().path());
    }

    @Test
    void framingThatCouldSmuggleIsRefused() {
        assertEquals(400, refusal(head("POST", "/", "HTTP/1.1", "Host", "a", "Content-Length", "5",
                "Transfer-Encoding", "chunked")));
        assertEquals(400, refusal(head("POST", "/", "HTTP/1.1", "Host", "a", "Content-Length", "5",
                "Content-Length", "5")));
        assertEquals(400, refusal(head("POST", "/", "HTTP/1.1", "Host", "a", "Content-Length", "5, 5")));
        assertEquals(400, refusal(head("POST", "/", "HTTP/1.1", "Host", "a", "Content-Length", "+5")));
        assertEquals(400, refusal(head("POST", "/", "HTTP/1.1", "Host", "a", "Transfer-Encoding", "chunked, gzip")));
        assertEquals(400, refusal(head("POST", "/", "HTTP/1.1", "Host", "a", "Transfer-Encoding", "chunked",
                "Transfer-Encoding", "chunked")));
        assertEquals(501, refusal(head("POST", "/", "HTTP/1.1", "Host", "a", "Transfer-Encoding", "gzip, chunked")));
        assertEquals(400, refusal(head("POST", "/", "HTTP/1.0", "Host", "a", "Transfer-Encoding", "chunked")));
    }

    @Test
    void hostRules() {
        assertEquals(400, refusal(head("GET", "/", "HTTP/1.1")));
        assertEquals(400, refusal(head("GET", "/", "HTTP/1.1", "Host", "a", "Host", "b")));
        assertEquals(400, refusal(head("GET", "/", "HTTP/1.1", "Host", "")));
        assertEquals(400, refusal(head("GET", "https://user@a.test/", "HTTP/1.1", "Host", "a.test")));
    }

    @Test
    void connectTakesAnAuthorityFormTargetAndNoBody() {
        Http1Requests.Parsed p = Http1Requests.toRequest(head("CONNECT", "a.test:443", "HTTP/1.1",
                "Host", "a.test:443", "Proxy-Authorization", "Bearer x"));
        assertTrue(p.head().isConnect());
        assertEquals("a.test:443", p.head().authority());
        assertNull(p.head().path());
        assertEquals("Bearer x", p.head().headers().get("proxy-authorization"));
        assertEquals(400, refusal(head("CONNECT", "/a.test:443", "HTTP/1.1", "Host", "a.test:443")));
        assertEquals(400, refusal(head("CONNECT", "a.test", "HTTP/1.1", "Host", "a.test")));
        assertEquals(400, refusal(head("CONNECT", "a.test:443", "HTTP/1.1", "Host", "b.test:443")));
        assertEquals(400, refusal(head("CONNECT", "a.test:443", "HTTP/1.1", "Host", "a.test:443",
                "Content-Length", "5")));
    }

    @Test
    void connectionSpecificFieldsStayOnThisHop() {
        Http1Requests.Parsed p = Http1Requests.toRequest(head("POST", "/", "HTTP/1.1", "Host", "a",
                "Connection", "keep-alive, X-Hop", "X-Hop", "1", "Keep-Alive", "timeout=5", "TE", "trailers, gzip",
                "Transfer-Encoding", "chunked", "X-End", "2"));
        assertNull(p.head().headers().get("x-hop"));
        assertNull(p.head().headers().get("keep-alive"));
        assertNull(p.head().headers().get("connection"));
        assertNull(p.head().headers().get("transfer-encoding"));
        assertEquals("trailers", p.head().headers().get("te"));
        assertEquals("2", p.head().headers().get("x-end"));
        assertTrue(p.chunked());
    }

    @Test
    void keepAliveByVersion() {
        assertFalse(Http1Requests.toRequest(head("GET", "/", "HTTP/1.1", "Host", "a", "Connection", "close"))
                .keepAlive());
        assertFalse(Http1Requests.toRequest(head("GET", "/", "HTTP/1.0", "Host", "a")).keepAlive());
        assertTrue(Http1Requests.toRequest(head("GET", "/", "HTTP/1.0", "Host", "a", "Connection", "Keep-Alive"))
                .keepAlive());
    }
}
