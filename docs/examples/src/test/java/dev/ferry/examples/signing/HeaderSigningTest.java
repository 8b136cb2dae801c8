package dev.ferry.examples.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HeaderSigningTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_767_225_600L), ZoneOffset.UTC);
    private static final ExchangeContext CTX = new ExchangeContext(1, new InetSocketAddress("192.0.2.7", 1), "3",
            System.nanoTime());

    private static RequestHead.Builder request() {
        RequestHead.Builder b = RequestHead.builder().method("POST").scheme("https").authority("app.test")
                .path("/orders?id=7");
        b.headers().add("forwarded", "for=192.0.2.7");
        b.headers().add("x-ferry-signature", "keyid=forged, t=0, sig=AAAA");
        return b;
    }

    private static String hmac(String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] sig = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    }

    @Test
    void signsMethodAuthorityPathTimeAndChosenFieldsAndReplacesAClientsCopy() throws Exception {
        HeaderSigning hook = new HeaderSigning("edge-1", SECRET.getBytes(StandardCharsets.UTF_8), "X-Ferry-Signature",
                List.of("Forwarded"), CLOCK);
        RequestHead.Builder request = request();
        hook.onOriginRequest(CTX, request);
        List<String> values = request.headers().getAll("x-ferry-signature");
        assertEquals(1, values.size(), "the client's copy is gone: " + values);
        String expected = hmac("POST\napp.test\n/orders?id=7\n1767225600\nforwarded: for=192.0.2.7");
        assertEquals("keyid=edge-1, t=1767225600, sig=" + expected, values.get(0));
    }

    @Test
    void aChangeToASignedFieldChangesTheSignature() throws Exception {
        HeaderSigning hook = new HeaderSigning("edge-1", SECRET.getBytes(StandardCharsets.UTF_8), "x-ferry-signature",
                List.of("forwarded"), CLOCK);
        RequestHead.Builder a = request();
        RequestHead.Builder b = request();
        b.headers().set("forwarded", "for=198.51.100.1");
        hook.onOriginRequest(CTX, a);
        hook.onOriginRequest(CTX, b);
        assertNotEquals(a.headers().get("x-ferry-signature"), b.headers().get("x-ferry-signature"));
    }

    @Test
    void theFactoryTakesTheSecretFromTheEnvironmentOnly() {
        SigningConfig config = new SigningConfig("edge-1", "SIGNING", "x-ferry-signature", List.of());
        assertTrue(new HeaderSigningFactory(Map.of("SIGNING", SECRET)).create(config) instanceof HeaderSigning);
        assertEquals("secret-env: SIGNING must hold a secret of at least 32 bytes",
                assertThrows(IllegalArgumentException.class,
                        () -> new HeaderSigningFactory(Map.of("SIGNING", "short")).create(config)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HeaderSigningFactory(Map.of("SIGNING", SECRET))
                .create(new SigningConfig(null, "SIGNING", "x-ferry-signature", List.of())));
    }
}
