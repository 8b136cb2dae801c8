package dev.ferry.bridge.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.hook.BodyTransform;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ExchangeOutcome;
import dev.ferry.bridge.hook.HookDecision;
import dev.ferry.bridge.hook.ProxyHook;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exchange lifecycle on an embedded event loop, with a fake client stream and a fake origin: every way an
 * exchange ends (answered, failed before or after the head, timed out, aborted by the client, refused by a hook,
 * spoiled by a hook) gives the client one clear answer or reset, releases the origin, and reports to
 * {@code onComplete} exactly once.
 */
class ExchangeTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.7", 50000);
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final FakeClientStream client = new FakeClientStream(loop.eventLoop());
    private final FakeOrigin origin = new FakeOrigin();
    private final List<ExchangeOutcome> outcomes = new ArrayList<>();
    private final ProxyHook recorder = new ProxyHook() {
        @Override
        public void onComplete(ExchangeContext ctx, ExchangeOutcome outcome) {
            outcomes.add(outcome);
        }
    };

    @AfterEach
    void close() {
        loop.finishAndReleaseAll();
    }

    private ClientStreamListener start(RequestHead request, long responseTimeoutMillis, long idleTimeoutMillis,
                                       boolean verbose, ProxyHook... hooks) {
        List<ProxyHook> all = new ArrayList<>(List.of(hooks));
        all.add(0, recorder);
        ExchangeDriver driver = new ExchangeDriver(all, (ctx, r) -> new OriginSelector.SelectedOrigin("app",
                origin, responseTimeoutMillis, idleTimeoutMillis),
                new ExchangeDriver.Settings("ferry", true, verbose));
        return driver.start(client, CLIENT, "3", request);
    }

    private ClientStreamListener start(RequestHead request, ProxyHook... hooks) {
        return start(request, 0, 0, false, hooks);
    }

    private static RequestHead get(String path) {
        return RequestHead.builder().method("GET").scheme("https").authority("app.test").path(path).build();
    }

    private static RequestHead post(long length) {
        RequestHead.Builder b = RequestHead.builder().method("POST").scheme("https").authority("app.test").path("/up");
        b.headers().set("content-length", Long.toString(length));
        return b.build();
    }

    private static HttpHeaders fields(String... nameValues) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    private ExchangeOutcome onlyOutcome() {
        assertEquals(1, outcomes.size(), "onComplete must run exactly once: " + outcomes);
        return outcomes.get(0);
    }

    @Test
    void streamsTheOriginsAnswerAndReportsSuccessOnce() {
        ClientStreamListener exchange = start(post(5));
        exchange.onRequestBody(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
        exchange.onRequestEnd(null);
        assertEquals("hello", origin.body.toString(StandardCharsets.US_ASCII));
        assertTrue(origin.ended);
        assertEquals("3 ferry", origin.request.headers().get("via"));

        origin.listener.onRequestSent();
        origin.listener.onResponseHead(200, fields("content-length", "2"), "1.1");
        origin.listener.onResponseBody(Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
        origin.listener.onResponseEnd(null);

        assertEquals(200, client.head.status());
        assertEquals("ok", client.body.toString(StandardCharsets.US_ASCII));
        assertTrue(client.ended);
        ExchangeOutcome outcome = onlyOutcome();
        assertTrue(outcome.succeeded());
        assertEquals(5, outcome.requestBodyBytes());
        assertEquals(2, outcome.responseBodyBytes());
    }

    @Test
    void answers502WithTheErrorTypeAndNoInternalsWhenTheOriginFailsBeforeAnyHead() {
        start(get("/"));
        origin.listener.onOriginFailure(new ProxyException(ProxyErrorType.CONNECTION_REFUSED,
                ProxyException.Side.ORIGIN, true, "origin app: io.netty.channel.ConnectTimeoutException at 10.0.0.5"));
        assertEquals(502, client.head.status());
        assertEquals("ferry; error=connection_refused", client.header("proxy-status"));
        assertTrue(client.ended);
        assertEquals(ProxyErrorType.CONNECTION_REFUSED, onlyOutcome().error());
    }

    @Test
    void verboseErrorsCarryTheCauseInProxyStatusDetails() {
        start(get("/"), 0, 0, true);
        origin.listener.onOriginFailure(new ProxyException(ProxyErrorType.CONNECTION_REFUSED,
                ProxyException.Side.ORIGIN, true, "origin app refused"));
        assertEquals("ferry; error=connection_refused; details=\"origin app refused\"", client.header("proxy-status"));
    }

    @Test
    void resetsTheStreamWhenTheOriginFailsAfterTheHeadLeft() {
        start(get("/"));
        origin.listener.onRequestSent();
        origin.listener.onResponseHead(200, fields(), "2");
        origin.listener.onOriginFailure(new ProxyException(ProxyErrorType.HTTP_RESPONSE_INCOMPLETE,
                ProxyException.Side.ORIGIN, false, "reset"));
        assertEquals(200, client.head.status());
        assertEquals(Boolean.TRUE, client.resetOriginSawRequest);
        assertEquals(ProxyErrorType.HTTP_RESPONSE_INCOMPLETE, onlyOutcome().error());
    }

    @Test
    void answers504WhenNoResponseHeadArrivesWithinTheResponseTimeout() {
        ClientStreamListener exchange = start(get("/"), 1_000, 0, false);
        exchange.onRequestEnd(null);
        origin.listener.onRequestSent();
        loop.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertNull(client.head, "not before the timeout");
        loop.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertEquals(504, client.head.status());
        assertEquals("ferry; error=http_response_timeout", client.header("proxy-status"));
        assertTrue(origin.aborted, "the origin exchange must be released");
        assertEquals(ProxyErrorType.HTTP_RESPONSE_TIMEOUT, onlyOutcome().error());
    }

    @Test
    void answers504WhenNothingMovesForTheIdleTimeout() {
        ClientStreamListener exchange = start(post(10), 0, 500, false);
        exchange.onRequestBody(Unpooled.copiedBuffer("01234", StandardCharsets.US_ASCII));
        loop.advanceTimeBy(600, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertEquals(504, client.head.status());
        assertEquals("ferry; error=connection_read_timeout", client.header("proxy-status"));
        assertTrue(origin.aborted);
        onlyOutcome();
    }

    @Test
    void releasesTheOriginAndReportsOnceWhenTheClientGoesAway() {
        ClientStreamListener exchange = start(get("/"));
        exchange.onClientAbort(null);
        assertTrue(origin.aborted);
        // Late origin events after the abort change nothing.
        origin.listener.onOriginFailure(new ProxyException(ProxyErrorType.CONNECTION_TERMINATED,
                ProxyException.Side.ORIGIN, false, "closed"));
        origin.listener.onResponseHead(200, fields(), "1.1");
        assertNull(client.head);
        assertEquals(ProxyErrorType.CONNECTION_TERMINATED, onlyOutcome().error());
    }

    @Test
    void refusesAHookEditWithCrLfBeforeAnyOriginSeesIt() {
        ProxyHook smuggler = new ProxyHook() {
            @Override
            public void onOriginRequest(ExchangeContext ctx, RequestHead.Builder originRequest) {
                originRequest.headers().set("x-user", "alice\r\nx-admin: true");
            }
        };
        start(get("/"), smuggler);
        assertEquals(0, origin.opened, "the origin must never be opened");
        assertEquals(500, client.head.status());
        assertTrue(client.header("proxy-status").startsWith("ferry; error=proxy_internal_error"),
                client.header("proxy-status"));
        ExchangeOutcome outcome = onlyOutcome();
        assertEquals(ProxyErrorType.PROXY_INTERNAL_ERROR, outcome.error());
        assertTrue(outcome.errorDetail().contains(smuggler.getClass().getName()), outcome.errorDetail());
    }

    @Test
    void refusesAnInvalidResponseEditAndReleasesTheOrigin() {
        ProxyHook splitter = new ProxyHook() {
            @Override
            public void onResponse(ExchangeContext ctx, ResponseHead.Builder clientResponse) {
                clientResponse.headers().set("set-cookie", "a=1\nlocation: https://evil.test/");
            }
        };
        start(get("/"), splitter);
        origin.listener.onRequestSent();
        origin.listener.onResponseHead(200, fields(), "1.1");
        assertEquals(500, client.head.status());
        assertNull(client.head.headers().get("location"));
        assertTrue(origin.aborted);
        assertEquals(ProxyErrorType.PROXY_INTERNAL_ERROR, onlyOutcome().error());
    }

    @Test
    void aHookThatRefusesKeepsItsErrorTypeAndStatus() {
        ProxyHook firewall = new ProxyHook() {
            @Override
            public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
                throw new ProxyException(ProxyErrorType.HTTP_REQUEST_DENIED, ProxyException.Side.CLIENT, false,
                        "path not allowed");
            }
        };
        start(get("/admin"), firewall);
        assertEquals(0, origin.opened);
        assertEquals(403, client.head.status());
        assertEquals("ferry; error=http_request_denied; details=\"path not allowed\"", client.header("proxy-status"));
        assertEquals(ProxyErrorType.HTTP_REQUEST_DENIED, onlyOutcome().error());
    }

    @Test
    void aDeferredDecisionIsAppliedOnTheLoopAndADeferredFailureKeepsItsType() {
        CompletableFuture<HookDecision> later = new CompletableFuture<>();
        ProxyHook slow = new ProxyHook() {
            @Override
            public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
                return HookDecision.defer(later);
            }
        };
        start(get("/"), slow);
        assertEquals(0, origin.opened, "nothing happens until the decision arrives");
        later.completeExceptionally(new ProxyException(ProxyErrorType.HTTP_REQUEST_DENIED,
                ProxyException.Side.CLIENT, false, "denied later"));
        loop.runPendingTasks();
        assertEquals(403, client.head.status());
        assertEquals(0, origin.opened);
        onlyOutcome();
    }

    @Test
    void forwardsInterimResponsesBeforeTheFinalOne() {
        start(get("/"));
        origin.listener.onRequestSent();
        origin.listener.onInformational(100, fields(), "1.1");
        origin.listener.onInformational(103, fields("link", "</a.css>; rel=preload"), "1.1");
        origin.listener.onResponseHead(204, fields(), "1.1");
        origin.listener.onInformational(100, fields(), "1.1");
        assertEquals(2, client.informational.size());
        assertEquals(103, client.informational.get(1).status());
        assertEquals("</a.css>; rel=preload", client.informational.get(1).headers().get("link"));
        assertEquals(204, client.head.status());
    }

    @Test
    void holdsTheRequestBodyUntilTheOriginCanTakeItAndFollowsItsWritability() {
        origin.writable = false;
        ClientStreamListener exchange = start(post(3));
        assertFalse(client.reading, "no reading while the origin cannot take bytes");
        origin.writable = true;
        origin.listener.onOriginWritabilityChanged();
        assertTrue(client.reading);
        client.writable = false;
        exchange.onClientWritabilityChanged();
        assertEquals(Boolean.FALSE, origin.reading, "the origin is not read while the client cannot take more");
        assertNotNull(origin.request);
    }

    @Test
    void aDeferredDecisionThatNeverComesFailsAtTheDeadlineAndALateOneIsIgnored() {
        CompletableFuture<HookDecision> never = new CompletableFuture<>();
        ProxyHook stuck = new ProxyHook() {
            @Override
            public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
                return HookDecision.defer(never);
            }
        };
        List<ProxyHook> all = List.of(recorder, stuck);
        ExchangeDriver driver = new ExchangeDriver(all, (ctx, r) -> new OriginSelector.SelectedOrigin("app",
                origin, 0, 0), new ExchangeDriver.Settings("ferry", true, false, 2_000));
        driver.start(client, CLIENT, "3", get("/"));
        loop.advanceTimeBy(2_001, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertEquals(500, client.head.status());
        assertEquals("ferry; error=proxy_internal_error", client.header("proxy-status"));
        never.complete(HookDecision.proceed());
        loop.runPendingTasks();
        assertEquals(0, origin.opened, "a decision after the deadline changes nothing");
        onlyOutcome();
    }

    @Test
    void aRoutesHooksRunAfterRoutingAndAfterTheGlobalChainInEveryPhase() {
        List<String> order = new ArrayList<>();
        ProxyHook global = new NamedHook("global", order);
        ProxyHook route = new NamedHook("route", order);
        List<ProxyHook> all = List.of(recorder, global);
        ExchangeDriver driver = new ExchangeDriver(all, (ctx, r) -> new OriginSelector.SelectedOrigin("app",
                origin, 0, 0, List.of(route)), new ExchangeDriver.Settings("ferry", true, false));
        driver.start(client, CLIENT, "3", get("/")).onRequestEnd(null);
        origin.listener.onRequestSent();
        origin.listener.onResponseHead(200, fields("content-length", "0"), "1.1");
        origin.listener.onResponseEnd(null);

        assertEquals(List.of("global.onRequest(origin=null)", "route.onRequest(origin=app)",
                "global.onOriginRequest", "route.onOriginRequest", "route.onOriginResponse", "global.onOriginResponse",
                "route.onResponse", "global.onResponse", "route.onComplete", "global.onComplete"), order);
        assertEquals("global,route", origin.request.headers().get("x-seen"));
        onlyOutcome();
    }

    @Test
    void aRoutesHookThatAnswersKeepsTheOriginClosedAndTheGlobalChainSeesTheAnswer() {
        List<String> order = new ArrayList<>();
        ProxyHook global = new NamedHook("global", order);
        ProxyHook deny = new ProxyHook() {
            @Override
            public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
                return HookDecision.respond(ResponseHead.builder(403).build(), "no".getBytes());
            }
        };
        ExchangeDriver driver = new ExchangeDriver(List.of(recorder, global), (ctx, r) ->
                new OriginSelector.SelectedOrigin("app", origin, 0, 0, List.of(deny)),
                new ExchangeDriver.Settings("ferry", true, false));
        driver.start(client, CLIENT, "3", get("/admin")).onRequestEnd(null);
        assertEquals(403, client.head.status());
        assertEquals(0, origin.opened);
        assertTrue(order.contains("global.onResponse"), order.toString());
        assertEquals(403, onlyOutcome().status());
    }

    /**
     * The one rule of docs/hooks.md, phase by phase: a {@link ProxyException} answers with its type's status and
     * Proxy-Status, anything else thrown is 500 proxy_internal_error, a deferred failure counts as thrown (unwrapped
     * from its CompletionException), and a failing onComplete changes nothing.
     */
    @ParameterizedTest(name = "{0} throws {1}: {2}")
    @CsvSource({
            "onRequest,         denied,  403, http_request_denied",
            "onRequest,         runtime, 500, proxy_internal_error",
            "deferred,          denied,  403, http_request_denied",
            "deferred,          runtime, 500, proxy_internal_error",
            "onOriginRequest,   denied,  403, http_request_denied",
            "onOriginRequest,   runtime, 500, proxy_internal_error",
            "onOriginResponse,  denied,  403, http_request_denied",
            "onOriginResponse,  runtime, 500, proxy_internal_error",
            "onResponse,        denied,  403, http_request_denied",
            "onResponse,        runtime, 500, proxy_internal_error",
            "onComplete,        runtime, 200, "})
    void aHookThatThrowsGetsTheSameAnswerInEveryPhase(String phase, String kind, int status, String error) {
        RuntimeException thrown = kind.equals("denied")
                ? new ProxyException(ProxyErrorType.HTTP_REQUEST_DENIED, ProxyException.Side.CLIENT, true, "no")
                : new IllegalStateException("bug");
        ProxyHook failing = new ProxyHook() {
            @Override
            public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
                if (phase.equals("deferred")) {
                    return HookDecision.defer(CompletableFuture.supplyAsync(() -> {
                        throw thrown;
                    }));
                }
                return fail("onRequest");
            }

            @Override
            public void onOriginRequest(ExchangeContext ctx, RequestHead.Builder request) {
                fail("onOriginRequest");
            }

            @Override
            public void onOriginResponse(ExchangeContext ctx, ResponseHead.Builder response) {
                fail("onOriginResponse");
            }

            @Override
            public void onResponse(ExchangeContext ctx, ResponseHead.Builder response) {
                if (response.status() == 200) {
                    fail("onResponse");
                }
            }

            @Override
            public void onComplete(ExchangeContext ctx, ExchangeOutcome outcome) {
                fail("onComplete");
            }

            private HookDecision fail(String here) {
                if (here.equals(phase)) {
                    throw thrown;
                }
                return HookDecision.proceed();
            }
        };
        start(get("/"), failing).onRequestEnd(null);
        for (int i = 0; i < 200 && client.head == null && origin.listener == null; i++) {
            loop.runPendingTasks();
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (client.head == null) {
            origin.listener.onRequestSent();
            origin.listener.onResponseHead(200, fields("content-length", "0"), "1.1");
            if (client.head != null && client.head.status() == 200) {
                origin.listener.onResponseEnd(null);
            }
        }
        assertEquals(status, client.head.status());
        if (error != null) {
            String proxyStatus = client.header("proxy-status");
            assertTrue(proxyStatus.startsWith("ferry; error=" + error), proxyStatus);
        }
        assertEquals(status, onlyOutcome().status());
    }

    /** Upper-cases ASCII letters in place: the same length, so Content-Length may stay. */
    private static final class UpperCase implements BodyTransform {
        boolean released;

        @Override
        public ByteBuf onChunk(ByteBuf chunk) {
            for (int i = chunk.readerIndex(); i < chunk.writerIndex(); i++) {
                byte b = chunk.getByte(i);
                if (b >= 'a' && b <= 'z') {
                    chunk.setByte(i, b - 32);
                }
            }
            return chunk;
        }

        @Override
        public boolean preservesLength() {
            return true;
        }

        @Override
        public void release() {
            released = true;
        }
    }

    @Test
    void aResponseTransformStreamsEachChunkAndKeepsContentLengthWhenItKeepsTheLength() {
        UpperCase upper = new UpperCase();
        ProxyHook hook = new ProxyHook() {
            @Override
            public BodyTransform responseBody(ExchangeContext ctx, ResponseHead response) {
                return upper;
            }
        };
        start(get("/"), hook).onRequestEnd(null);
        origin.listener.onRequestSent();
        origin.listener.onResponseHead(200, fields("content-length", "11"), "1.1");
        origin.listener.onResponseBody(Unpooled.copiedBuffer("hello ", StandardCharsets.US_ASCII));
        assertEquals("HELLO ", client.body.toString(StandardCharsets.US_ASCII), "each chunk goes out as it comes");
        origin.listener.onResponseBody(Unpooled.copiedBuffer("world", StandardCharsets.US_ASCII));
        origin.listener.onResponseEnd(null);
        assertEquals("HELLO WORLD", client.body.toString(StandardCharsets.US_ASCII));
        assertEquals("11", client.header("content-length"));
        assertTrue(upper.released);
        assertEquals(11, onlyOutcome().responseBodyBytes());
    }

    @Test
    void aRequestTransformThatChangesTheLengthDropsContentLengthAndAddsItsLastBytes() {
        ProxyHook hook = new ProxyHook() {
            @Override
            public BodyTransform requestBody(ExchangeContext ctx, RequestHead request) {
                return new BodyTransform() {
                    @Override
                    public ByteBuf onChunk(ByteBuf chunk) {
                        ByteBuf twice = Unpooled.buffer(chunk.readableBytes() * 2);
                        while (chunk.isReadable()) {
                            byte b = chunk.readByte();
                            twice.writeByte(b).writeByte(b);
                        }
                        chunk.release();
                        return twice;
                    }

                    @Override
                    public ByteBuf onEnd() {
                        return Unpooled.copiedBuffer("!", StandardCharsets.US_ASCII);
                    }
                };
            }
        };
        ClientStreamListener exchange = start(post(3), new UpperCaseRequest(), hook);
        exchange.onRequestBody(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII));
        exchange.onRequestEnd(null);
        assertNull(origin.request.headers().get("content-length"));
        assertEquals("AABBCC!", origin.body.toString(StandardCharsets.US_ASCII), "in chain order");
        assertTrue(origin.ended);
    }

    @Test
    void aBufferedTransformOverItsBoundAnswers413AndReleasesWhatItHeld() {
        ProxyHook hook = new ProxyHook() {
            @Override
            public BodyTransform requestBody(ExchangeContext ctx, RequestHead request) {
                return BodyTransform.buffered(4, whole -> whole, ProxyException.badRequest(413, "body over 4 bytes"));
            }
        };
        ClientStreamListener exchange = start(post(6), hook);
        ByteBuf first = Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII);
        ByteBuf second = Unpooled.copiedBuffer("def", StandardCharsets.US_ASCII);
        exchange.onRequestBody(first);
        assertEquals(0, origin.body.size(), "nothing leaves before the whole body is in");
        exchange.onRequestBody(second);
        assertEquals(413, client.head.status());
        assertEquals(0, first.refCnt(), "the collected chunk is released");
        assertEquals(0, second.refCnt());
        assertTrue(origin.aborted);
        onlyOutcome();
    }

    /** Upper-cases the request body: the first transform of the chain in the length-changing test. */
    private static final class UpperCaseRequest implements ProxyHook {
        @Override
        public BodyTransform requestBody(ExchangeContext ctx, RequestHead request) {
            return new UpperCase();
        }
    }

    /** Records each phase it sees, and marks the origin request with its name. */
    private record NamedHook(String name, List<String> order) implements ProxyHook {
        @Override
        public HookDecision onRequest(ExchangeContext ctx, RequestHead request) {
            order.add(name + ".onRequest(origin=" + ctx.originName() + ")");
            return HookDecision.proceed();
        }

        @Override
        public void onOriginRequest(ExchangeContext ctx, RequestHead.Builder request) {
            order.add(name + ".onOriginRequest");
            String seen = request.headers().get("x-seen");
            request.headers().set("x-seen", seen == null ? name : seen + "," + name);
        }

        @Override
        public void onOriginResponse(ExchangeContext ctx, ResponseHead.Builder response) {
            order.add(name + ".onOriginResponse");
        }

        @Override
        public void onResponse(ExchangeContext ctx, ResponseHead.Builder response) {
            order.add(name + ".onResponse");
        }

        @Override
        public void onComplete(ExchangeContext ctx, ExchangeOutcome outcome) {
            order.add(name + ".onComplete");
        }
    }
}
