package dev.ferry.examples.signing;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ProxyHook;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs each request on its way to the origin with HMAC-SHA256, so that the origin can tell the request passed
 * through this relay and was not altered after it:
 *
 * <pre>{@code x-ferry-signature: keyid=edge-1, t=1767225600, sig=<base64url of HMAC(secret, signing string)>}</pre>
 *
 * <p>The signing string is one line per item: the method, the authority, the path, {@code t}, then each configured
 * field as {@code name: value} (values of a repeated field joined by {@code ", "}, an absent field as an empty
 * value). It signs what leaves the relay, so it must run after every hook that edits those fields; in particular
 * after {@code forwarding} when it signs {@code forwarded} or {@code x-forwarded-for}.
 */
final class HeaderSigning implements ProxyHook {
    private final String keyId;
    private final SecretKeySpec key;
    private final String header;
    private final List<String> fields;
    private final Clock clock;

    HeaderSigning(String keyId, byte[] secret, String header, List<String> fields, Clock clock) {
        this.keyId = keyId;
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.header = header.toLowerCase(Locale.ROOT);
        this.fields = fields.stream().map(f -> f.toLowerCase(Locale.ROOT)).toList();
        this.clock = clock;
    }

    @Override
    public void onOriginRequest(ExchangeContext ctx, RequestHead.Builder request) {
        request.headers().remove(header);
        long t = clock.instant().getEpochSecond();
        String sig = Base64.getUrlEncoder().withoutPadding().encodeToString(mac(signingString(request, t)));
        request.headers().set(header, "keyid=" + keyId + ", t=" + t + ", sig=" + sig);
    }

    /** What is signed; the origin rebuilds it from the request it received to check the signature. */
    String signingString(RequestHead.Builder request, long t) {
        StringBuilder s = new StringBuilder();
        s.append(request.method()).append('\n').append(request.authority()).append('\n').append(request.path())
                .append('\n').append(t);
        for (String field : fields) {
            s.append('\n').append(field).append(": ").append(String.join(", ", request.headers().getAll(field)));
        }
        return s.toString();
    }

    private byte[] mac(String text) {
        try {
            // A Mac is not thread-safe and hooks run on every event loop: one per signature (cheap to create).
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
