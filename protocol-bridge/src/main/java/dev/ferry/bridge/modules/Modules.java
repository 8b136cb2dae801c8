package dev.ferry.bridge.modules;

import dev.ferry.bridge.exchange.ResponseHead;
import dev.ferry.bridge.headers.EditedFields;
import dev.ferry.bridge.headers.FieldSyntax;
import dev.ferry.bridge.hook.HookDecision;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** What the built-in modules share: answers they make, and checks of configured fields at start. */
final class Modules {
    /** Fields the relay writes or removes itself: connection-specific ones, framing and the target's host. */
    private static final Set<String> MANAGED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "te", "content-length", "host");

    private Modules() {
    }

    static void checkNotManaged(String key, String name) {
        if (MANAGED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(key + ": " + name + " is managed by the relay");
        }
    }

    /** A local answer with a text body, its length and type. */
    static HookDecision answer(int status, String contentType, String body, HttpHeaders extra) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        ResponseHead.Builder head = ResponseHead.builder(status);
        if (extra != null) {
            head.headers().add(extra);
        }
        if (bytes.length > 0 || !head.headers().contains("content-type")) {
            head.headers().set("content-type", contentType);
        }
        head.headers().set("content-length", Integer.toString(bytes.length));
        return HookDecision.respond(head.build(), bytes);
    }

    /** Refuses, at configuration time, fields that the relay would refuse to send. */
    static void checkResponse(String key, int status, HttpHeaders headers) {
        String problem = EditedFields.responseProblem(status, headers);
        if (problem != null) {
            throw new IllegalArgumentException(key + ": " + problem);
        }
    }

    static void checkFieldName(String key, String name) {
        if (name == null || !FieldSyntax.isToken(name)) {
            throw new IllegalArgumentException(key + ": " + name + " is not a field name (a token)");
        }
    }

    static void checkFieldValue(String key, String value) {
        String problem = value == null ? "no value" : FieldSyntax.valueProblem(value);
        if (problem != null) {
            throw new IllegalArgumentException(key + ": " + problem);
        }
    }

    static void checkPrefix(String key, String prefix) {
        if (prefix == null || !prefix.startsWith("/")) {
            throw new IllegalArgumentException(key + ": " + prefix + " does not start with /");
        }
    }
}
