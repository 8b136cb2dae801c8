package dev.ferry.bridge.error;

import dev.ferry.bridge.exchange.ResponseHead;

import java.nio.charset.StandardCharsets;

/**
 * The one place that turns a {@link ProxyException} into what the client sees when no response head has left yet:
 * the status its type maps to, a {@code Proxy-Status} field and a short plain-text body.
 */
public final class ErrorResponses {
    private ErrorResponses() {
    }

    public static ResponseHead.Builder head(String proxyName, ProxyException error, int bodyLength) {
        ResponseHead.Builder head = ResponseHead.builder(error.status());
        head.headers().set(ProxyStatusField.NAME, ProxyStatusField.format(proxyName, error.type(), error.getMessage()));
        head.headers().set("content-type", "text/plain; charset=utf-8");
        head.headers().set("content-length", Integer.toString(bodyLength));
        head.headers().set("cache-control", "no-store");
        return head;
    }

    public static byte[] body(ProxyException error) {
        return (error.status() + " " + error.type().token() + '\n').getBytes(StandardCharsets.UTF_8);
    }
}
