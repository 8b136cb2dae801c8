package dev.ferry.bridge.error;

import dev.ferry.bridge.exchange.ClientStream;
import dev.ferry.bridge.exchange.ResponseHead;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/**
 * The one place that turns a {@link ProxyException} into what the client sees when no response head has left yet:
 * the status its type maps to, a {@code Proxy-Status} field and a short plain-text body.
 *
 * <p>The Proxy-Status {@code details} parameter says what the client itself got wrong (errors on the client's
 * side, whose detail names only what the client sent) and nothing else by default: a detail about an origin or
 * the relay would hand clients exception names, origin names and addresses. With {@code verbose} (the
 * {@code errors.details: verbose} setting, for debugging) every error's detail is given. The log always has it.
 */
public final class ErrorResponses {
    private ErrorResponses() {
    }

    /** The answer without internal details, as by default. */
    public static ResponseHead.Builder head(String proxyName, ProxyException error, int bodyLength) {
        return head(proxyName, error, bodyLength, false);
    }

    public static ResponseHead.Builder head(String proxyName, ProxyException error, int bodyLength,
                                            boolean verbose) {
        ResponseHead.Builder head = ResponseHead.builder(error.status());
        head.headers().set(ProxyStatusField.NAME, ProxyStatusField.format(proxyName, error.type(),
                details(error, verbose)));
        head.headers().set("content-type", "text/plain; charset=utf-8");
        head.headers().set("content-length", Integer.toString(bodyLength));
        head.headers().set("cache-control", "no-store");
        return head;
    }

    /** The detail a client may see: its own mistake always, anything else only when verbose. */
    public static String details(ProxyException error, boolean verbose) {
        return verbose || error.side() == ProxyException.Side.CLIENT ? error.getMessage() : null;
    }

    /**
     * Answers a request that never became an exchange (a malformed head, say) with {@code error}'s status,
     * Proxy-Status and a short body, on any ingress.
     */
    public static void send(ClientStream client, String proxyName, ProxyException error) {
        byte[] body = body(error);
        client.writeHead(head(proxyName, error, body.length).build(), false);
        client.writeBody(Unpooled.wrappedBuffer(body));
        client.writeEnd(null);
    }

    public static byte[] body(ProxyException error) {
        return (error.status() + " " + error.type().token() + '\n').getBytes(StandardCharsets.UTF_8);
    }
}
