package dev.ferry.bridge.exchange;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.headers.EditedFields;
import dev.ferry.bridge.headers.ResponseTranslator;
import dev.ferry.bridge.headers.ViaField;
import dev.ferry.bridge.hook.BodyTransform;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ExchangeOutcome;
import dev.ferry.bridge.hook.ProxyHook;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One proxied exchange, from the client request head to {@code onComplete}: runs the hook phases in order, opens
 * the origin, and streams bodies both ways.
 *
 * <p>Two invariants hold here and everywhere this class is called from:
 * <ul>
 *   <li><b>One event loop per exchange.</b> Every method runs on the client stream's event loop, and the origin
 *   connection is registered on that same loop, so there are no locks and no volatile fields.</li>
 *   <li><b>Backpressure end to end.</b> A side is read only while the other side is writable: request body
 *   reading stops while the origin is not writable (or not yet connected), response body reading stops while the
 *   client is not writable. Bodies are never held whole.</li>
 * </ul>
 */
final class Exchange implements ClientStreamListener, OriginListener {
    private static final Object END = new Object();

    /** The configuration this exchange started on, kept to its end. */
    private final Generation generation;
    private final ClientStream client;
    private final ExchangeContext ctx;
    private final RequestHead clientRequest;
    private final ArrayDeque<Object> pendingRequest = new ArrayDeque<>(4);
    private HttpHeaders pendingTrailers;

    private final ExchangeLifecycle life;
    private OriginSelector.SelectedOrigin origin;
    /** The global chain, then the route's own hooks once the route is known. */
    private List<ProxyHook> hooks;
    private BodyPipeline requestTransforms = BodyPipeline.of(List.of());
    private BodyPipeline responseTransforms = BodyPipeline.of(List.of());
    private OriginExchange originExchange;
    private ScheduledFuture<?> responseTimer;

    private boolean requestEnded;
    private boolean requestSent;
    private boolean responseStarted;
    private long requestBodyBytes;
    private long responseBodyBytes;

    Exchange(Generation generation, ClientStream client, ExchangeContext ctx, RequestHead clientRequest) {
        this.generation = generation;
        this.client = client;
        this.ctx = ctx;
        this.clientRequest = clientRequest;
        this.hooks = generation.hooks;
        this.life = new ExchangeLifecycle(client, ctx, generation::exit);
    }

    void start() {
        // Hold the request body until an origin exists to take it.
        client.setReading(false);
        if (generation.settings.via() && ViaField.seenBefore(clientRequest.headers(), generation.settings.proxyName())) {
            fail(new ProxyException(ProxyErrorType.PROXY_LOOP_DETECTED, ProxyException.Side.PROXY, false,
                    "request already passed through this proxy"));
            return;
        }
        runRequestHooks(0);
    }

    // ---- request phases -------------------------------------------------------------------------------------

    private void runRequestHooks(int from) {
        HookPhase.run(generation.hooks, from, client.eventLoop(), hook -> hook.onRequest(ctx, clientRequest),
                requestPhaseOutcome(this::selectOrigin), generation.settings.deferTimeoutMillis());
    }

    /** Where a request phase leads: on to {@code next}, or to a local answer or a failure. */
    private HookPhase.Outcome requestPhaseOutcome(Runnable next) {
        return HookPhase.outcome(next, this::respondLocally, this::fail, life::isEnded);
    }

    /**
     * Routing, then the chosen route's own hooks: their {@code onRequest} runs now that the route is known, and
     * from here on every phase runs the global chain followed by the route's (response phases in reverse).
     */
    private void selectOrigin() {
        try {
            origin = generation.selector.select(ctx, clientRequest);
        } catch (RuntimeException e) {
            fail(e instanceof ProxyException pe ? pe : hookFailure(e));
            return;
        }
        ctx.originName(origin.name());
        if (origin.hooks().isEmpty()) {
            openOrigin();
            return;
        }
        List<ProxyHook> chain = new ArrayList<>(generation.hooks);
        chain.addAll(origin.hooks());
        hooks = List.copyOf(chain);
        HookPhase.run(origin.hooks(), 0, client.eventLoop(), hook -> hook.onRequest(ctx, clientRequest),
                requestPhaseOutcome(this::openOrigin), generation.settings.deferTimeoutMillis());
    }

    private void openOrigin() {
        life.opening();
        try {
            RequestHead.Builder originRequest = clientRequest.toBuilder();
            if (generation.settings.via()) {
                ViaField.append(originRequest.headers(), ctx.clientProtocol(), generation.settings.proxyName());
            }
            for (ProxyHook hook : hooks) {
                hook.onOriginRequest(ctx, originRequest);
                String problem = EditedFields.requestProblem(originRequest.method(), originRequest.authority(),
                        originRequest.path(), originRequest.headers());
                if (problem != null) {
                    fail(HookPhase.invalidEdit(hook, "onOriginRequest", problem, false));
                    return;
                }
            }
            requestTransforms = requestTransforms(originRequest);
            originExchange = origin.connector().open(client.eventLoop(), originRequest.build(), this);
        } catch (RuntimeException e) {
            fail(e instanceof ProxyException pe ? pe : hookFailure(e));
            return;
        }
        long idleMillis = origin.idleTimeoutMillis();
        life.watchIdle(idleMillis, () -> fail(new ProxyException(ProxyErrorType.CONNECTION_READ_TIMEOUT,
                ProxyException.Side.ORIGIN, false, "no bytes either way for " + idleMillis + " ms")));
        drainPendingRequest();
    }

    /**
     * The hooks' request body transforms for this head; when one may change the length, Content-Length goes and
     * the origin connection frames the body itself (chunked on HTTP/1.1).
     */
    private BodyPipeline requestTransforms(RequestHead.Builder originRequest) {
        RequestHead head = originRequest.build();
        return transforms(hooks, false, hook -> hook.requestBody(ctx, head), originRequest.headers());
    }

    /** The hooks' response body transforms for this head, in reverse chain order, as the response phases. */
    private BodyPipeline responseTransforms(ResponseHead.Builder clientResponse) {
        ResponseHead head = clientResponse.build();
        return transforms(hooks, true, hook -> hook.responseBody(ctx, head), clientResponse.headers());
    }

    /**
     * Asks each hook, in chain order or reversed, for its transform. Runs once per message on the event loop, so
     * it allocates nothing when no hook transforms (the common case).
     */
    private static BodyPipeline transforms(List<ProxyHook> chain, boolean reversed,
                                           java.util.function.Function<ProxyHook, BodyTransform> ask,
                                           HttpHeaders headers) {
        List<BodyTransform> found = null;
        for (int n = 0; n < chain.size(); n++) {
            BodyTransform t = ask.apply(chain.get(reversed ? chain.size() - 1 - n : n));
            if (t != null) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(t);
            }
        }
        if (found == null) {
            return BodyPipeline.of(List.of());
        }
        BodyPipeline pipeline = BodyPipeline.of(found);
        if (!pipeline.preservesLength()) {
            headers.remove("content-length");
        }
        return pipeline;
    }

    /** Request body bytes through the transforms to the origin; false when a transform failed the exchange. */
    private boolean sendRequestBody(ByteBuf data) {
        ByteBuf out;
        try {
            out = requestTransforms.isEmpty() ? data : requestTransforms.apply(data);
        } catch (RuntimeException e) {
            fail(e instanceof ProxyException pe ? pe : hookFailure(e));
            return false;
        }
        if (out.isReadable()) {
            originExchange.writeBody(out);
        } else {
            out.release();
        }
        return true;
    }

    /** The end of the request: the transforms' last bytes, then the end; false when a transform failed. */
    private boolean sendRequestEnd(HttpHeaders trailers) {
        if (!requestTransforms.isEmpty()) {
            ByteBuf last;
            try {
                last = requestTransforms.end();
            } catch (RuntimeException e) {
                fail(e instanceof ProxyException pe ? pe : hookFailure(e));
                return false;
            }
            if (last != null && last.isReadable()) {
                originExchange.writeBody(last);
            } else if (last != null) {
                last.release();
            }
        }
        originExchange.writeEnd(trailers);
        startResponseTimer();
        return true;
    }

    private void drainPendingRequest() {
        Object item;
        while ((item = pendingRequest.poll()) != null) {
            if (item == END) {
                HttpHeaders trailers = pendingTrailers;
                pendingTrailers = null;
                if (!sendRequestEnd(trailers)) {
                    return;
                }
            } else if (!sendRequestBody((ByteBuf) item)) {
                return;
            }
        }
        updateClientReading();
    }

    private void updateClientReading() {
        if (!requestEnded && !life.isEnded()) {
            client.setReading(originExchange != null && originExchange.isWritable());
        }
    }

    // ---- client events ---------------------------------------------------------------------------------------

    @Override
    public void onRequestBody(ByteBuf data) {
        if (life.isEnded()) {
            data.release();
            return;
        }
        requestBodyBytes += data.readableBytes();
        life.touch();
        if (originExchange == null) {
            pendingRequest.add(data);
            client.setReading(false);
            return;
        }
        if (!sendRequestBody(data)) {
            return;
        }
        if (!originExchange.isWritable()) {
            client.setReading(false);
        }
    }

    @Override
    public void onRequestEnd(HttpHeaders trailers) {
        if (life.isEnded() || requestEnded) {
            return;
        }
        requestEnded = true;
        life.touch();
        if (originExchange == null) {
            pendingTrailers = trailers;
            pendingRequest.add(END);
        } else {
            sendRequestEnd(trailers);
        }
    }

    @Override
    public void onClientWritabilityChanged() {
        if (originExchange != null && !life.isEnded()) {
            originExchange.setReading(client.isWritable());
        }
    }

    @Override
    public void onClientAbort(Throwable cause) {
        if (life.isEnded()) {
            return;
        }
        if (originExchange != null) {
            originExchange.abort();
        }
        complete(new ProxyException(ProxyErrorType.CONNECTION_TERMINATED, ProxyException.Side.CLIENT, false,
                "client aborted: " + (cause == null ? "stream closed" : cause.getMessage())));
    }

    // ---- origin events ---------------------------------------------------------------------------------------

    @Override
    public void onRequestSent() {
        requestSent = true;
        startResponseTimer();
    }

    /**
     * The response timeout runs from the moment the origin has the whole request (head sent and body ended) to
     * the response head, so a long upload is not cut short by it; stalls during the upload are the idle timeout's.
     */
    private void startResponseTimer() {
        if (!requestSent || !requestEnded || responseStarted || responseTimer != null || life.isEnded()
                || origin.responseTimeoutMillis() <= 0) {
            return;
        }
        responseTimer = client.eventLoop().schedule(() -> fail(new ProxyException(
                ProxyErrorType.HTTP_RESPONSE_TIMEOUT, ProxyException.Side.ORIGIN, false,
                "no response head within " + origin.responseTimeoutMillis() + " ms of the request's end")),
                origin.responseTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onInformational(int originStatus, HttpHeaders headers, String protocolVersion) {
        if (life.isEnded() || life.headSent()) {
            return;
        }
        life.touch();
        ResponseHead.Builder head;
        try {
            head = ResponseTranslator.fromOrigin(originStatus, headers, protocolVersion,
                    generation.settings.proxyName(), generation.settings.via());
        } catch (ProxyException e) {
            // A malformed interim response is not worth failing the exchange over: the final one decides.
            return;
        }
        client.writeInformational(head.build());
    }

    @Override
    public void onResponseHead(int originStatus, HttpHeaders headers, String protocolVersion) {
        if (life.isEnded()) {
            return;
        }
        responseStarted = true;
        cancel(responseTimer);
        life.touch();
        ResponseHead.Builder head = ResponseTranslator.fromOrigin(originStatus, headers, protocolVersion,
                generation.settings.proxyName(), generation.settings.via());
        try {
            for (int i = hooks.size() - 1; i >= 0; i--) {
                hooks.get(i).onOriginResponse(ctx, head);
                checkResponseEdit(hooks.get(i), "onOriginResponse", head);
            }
            for (int i = hooks.size() - 1; i >= 0; i--) {
                hooks.get(i).onResponse(ctx, head);
                checkResponseEdit(hooks.get(i), "onResponse", head);
            }
            responseTransforms = responseTransforms(head);
        } catch (ProxyException e) {
            originExchange.abort();
            fail(e);
            return;
        } catch (RuntimeException e) {
            originExchange.abort();
            fail(hookFailure(e));
            return;
        }
        sendHead(head.build(), false);
        originExchange.setReading(client.isWritable());
    }

    private static void checkResponseEdit(ProxyHook hook, String phase, ResponseHead.Builder head) {
        String problem = EditedFields.responseProblem(head.status(), head.headers());
        if (problem != null) {
            throw HookPhase.invalidEdit(hook, phase, problem, true);
        }
    }

    @Override
    public void onResponseBody(ByteBuf data) {
        if (life.isEnded()) {
            data.release();
            return;
        }
        life.touch();
        ByteBuf out;
        try {
            out = responseTransforms.isEmpty() ? data : responseTransforms.apply(data);
        } catch (RuntimeException e) {
            fail(e instanceof ProxyException pe ? pe : hookFailure(e));
            return;
        }
        responseBodyBytes += out.readableBytes();
        if (out.isReadable()) {
            client.writeBody(out);
        } else {
            out.release();
        }
        if (!client.isWritable()) {
            originExchange.setReading(false);
        }
    }

    @Override
    public void onResponseEnd(HttpHeaders trailers) {
        if (life.isEnded()) {
            return;
        }
        if (!responseTransforms.isEmpty()) {
            ByteBuf last;
            try {
                last = responseTransforms.end();
            } catch (RuntimeException e) {
                fail(e instanceof ProxyException pe ? pe : hookFailure(e));
                return;
            }
            if (last != null && last.isReadable()) {
                responseBodyBytes += last.readableBytes();
                client.writeBody(last);
            } else if (last != null) {
                last.release();
            }
        }
        client.writeEnd(trailers == null || trailers.isEmpty() ? null : ResponseTranslator.trailersFromOrigin(trailers));
        complete(null);
    }

    @Override
    public void onOriginWritabilityChanged() {
        updateClientReading();
    }

    @Override
    public void onOriginFailure(ProxyException failure) {
        fail(failure);
    }

    // ---- endings ---------------------------------------------------------------------------------------------

    private void respondLocally(ResponseHead head, byte[] body) {
        life.headSending(head.status());
        try {
            life.status(LocalAnswer.send(client, hooks, ctx, head.toBuilder(), body, false));
        } catch (RuntimeException e) {
            life.headNotSent();
            fail(e instanceof ProxyException pe ? pe : hookFailure(e));
            return;
        }
        responseBodyBytes += body.length;
        complete(null);
    }

    private void fail(ProxyException error) {
        if (life.isEnded()) {
            return;
        }
        if (originExchange != null) {
            originExchange.abort();
        }
        responseBodyBytes += life.answerError(hooks, generation.settings, error, requestSent);
        complete(error);
    }

    private void sendHead(ResponseHead head, boolean endOfStream) {
        life.headSending(head.status());
        client.writeHead(head, endOfStream);
    }

    private void complete(ProxyException error) {
        life.end(() -> {
            cancel(responseTimer);
            requestTransforms.release();
            responseTransforms.release();
            Object item;
            while ((item = pendingRequest.poll()) != null) {
                ReferenceCountUtil.release(item == END ? null : item);
            }
        }, hooks, () -> new ExchangeOutcome(clientRequest, life.status(), requestBodyBytes, responseBodyBytes,
                life.headNanos(), System.nanoTime() - ctx.startNanos(), error == null ? null : error.type(),
                error == null ? null : error.getMessage()));
    }

    static void reportRejected(List<ProxyHook> hooks, ExchangeContext ctx, ProxyException error) {
        ExchangeLifecycle.notifyComplete(hooks, ctx,
                new ExchangeOutcome(null, 0, 0, 0, -1, 0, error.type(), error.getMessage()));
    }


    // ---- timers ----------------------------------------------------------------------------------------------

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private static ProxyException hookFailure(Throwable e) {
        return HookPhase.hookFailure(e);
    }
}
