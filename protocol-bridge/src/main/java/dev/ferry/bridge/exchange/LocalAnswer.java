package dev.ferry.bridge.exchange;

import dev.ferry.bridge.error.ErrorResponses;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.headers.EditedFields;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ProxyHook;
import io.netty.buffer.Unpooled;

import java.util.List;

/**
 * Sends an answer that Ferry makes itself (a hook's local response or an error) as a whole: the {@code onResponse}
 * hooks see it first, in reverse order, like any other response.
 */
final class LocalAnswer {
    private LocalAnswer() {
    }

    /**
     * Sends {@code head} and {@code body} and ends the stream.
     *
     * @param tolerant true for error answers, which must go out even when a hook throws on them
     * @return the status sent
     */
    static int send(ClientStream client, List<ProxyHook> hooks, ExchangeContext ctx, ResponseHead.Builder head,
                    byte[] body, boolean tolerant) {
        // An error answer must go out even if a hook spoils it: then it goes out as it was before the hooks.
        ResponseHead original = tolerant ? head.build() : null;
        if (!tolerant) {
            String problem = EditedFields.responseProblem(head.status(), head.headers());
            if (problem != null) {
                throw new ProxyException(dev.ferry.bridge.error.ProxyErrorType.PROXY_INTERNAL_ERROR,
                        ProxyException.Side.PROXY, true, "a hook answered with an invalid message: " + problem);
            }
        }
        for (int i = hooks.size() - 1; i >= 0; i--) {
            ProxyHook hook = hooks.get(i);
            try {
                hook.onResponse(ctx, head);
                String problem = EditedFields.responseProblem(head.status(), head.headers());
                if (problem != null) {
                    throw HookPhase.invalidEdit(hook, "onResponse", problem, false);
                }
            } catch (RuntimeException e) {
                if (!tolerant) {
                    throw e;
                }
                head = original.toBuilder();
            }
        }
        ResponseHead built = head.build();
        client.writeHead(built, body.length == 0);
        if (body.length > 0) {
            client.writeBody(Unpooled.wrappedBuffer(body));
            client.writeEnd(null);
        }
        return built.status();
    }

    /** Sends only a head, leaving the stream open (a tunnel's 2xx); runs the {@code onResponse} hooks. */
    static int sendHeadOnly(ClientStream client, List<ProxyHook> hooks, ExchangeContext ctx,
                            ResponseHead.Builder head) {
        for (int i = hooks.size() - 1; i >= 0; i--) {
            hooks.get(i).onResponse(ctx, head);
        }
        ResponseHead built = head.build();
        client.writeHead(built, false);
        return built.status();
    }

    /** The error answer for {@code error}: its status, Proxy-Status and a short body. */
    static int sendError(ClientStream client, List<ProxyHook> hooks, ExchangeContext ctx,
                         ExchangeDriver.Settings settings, ProxyException error) {
        byte[] body = ErrorResponses.body(error);
        return send(client, hooks, ctx,
                ErrorResponses.head(settings.proxyName(), error, body.length, settings.verboseErrors()), body, true);
    }
}
