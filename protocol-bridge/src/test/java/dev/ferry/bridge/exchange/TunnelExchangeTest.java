package dev.ferry.bridge.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ExchangeOutcome;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.ConnectUdpTemplate;
import dev.ferry.bridge.tunnel.TunnelConnector;
import dev.ferry.bridge.tunnel.TunnelEndpoint;
import dev.ferry.bridge.tunnel.TunnelListener;
import dev.ferry.bridge.tunnel.TunnelSettings;
import dev.ferry.bridge.tunnel.TunnelTarget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A CONNECT tunnel's lifecycle on an embedded event loop with a fake target socket: the client's FIN is never lost
 * (even when it comes before the target is open), a client that vanishes after the target's FIN releases the
 * socket, and an idle TCP tunnel is closed; each ends with exactly one onComplete.
 */
class TunnelExchangeTest {
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final FakeClientStream client = new FakeClientStream(loop.eventLoop());
    private final FakeTarget target = new FakeTarget();
    private final List<ExchangeOutcome> outcomes = new ArrayList<>();

    @AfterEach
    void close() {
        loop.finishAndReleaseAll();
    }

    /** A target socket that records what the tunnel did to it. */
    private static final class FakeTarget implements TunnelConnector, TunnelEndpoint {
        TunnelListener listener;
        TunnelTarget opened;
        final StringBuilder written = new StringBuilder();
        boolean shutdownOutput;
        boolean closed;

        @Override
        public TunnelEndpoint open(EventLoop eventLoop, TunnelTarget t, TunnelListener l) {
            listener = l;
            opened = t;
            return this;
        }

        @Override
        public void write(ByteBuf data) {
            written.append(data.toString(StandardCharsets.US_ASCII));
            data.release();
        }

        @Override
        public void shutdownOutput() {
            shutdownOutput = true;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void setReading(boolean reading) {
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private ClientStreamListener connect(long tcpIdleMillis, ProxyHook... hooks) {
        ProxyHook recorder = new ProxyHook() {
            @Override
            public void onComplete(ExchangeContext ctx, ExchangeOutcome outcome) {
                outcomes.add(outcome);
            }
        };
        TunnelSettings tunnels = new TunnelSettings(true, false,
                ConnectUdpTemplate.parse("/.well-known/masque/udp/{target_host}/{target_port}/"), 120_000, target,
                tcpIdleMillis);
        List<ProxyHook> all = new ArrayList<>(List.of(recorder));
        all.addAll(List.of(hooks));
        ExchangeDriver driver = new ExchangeDriver(all, (ctx, r) -> {
            throw new AssertionError("a tunnel selects no origin");
        }, ExchangeDriver.Settings.defaults(), tunnels);
        RequestHead head = RequestHead.builder().method("CONNECT").authority("target.test:443").build();
        return driver.start(client, new InetSocketAddress("192.0.2.7", 50000), "3", head);
    }

    @Test
    void keepsAClientFinThatArrivesBeforeTheTargetIsOpen() {
        ClientStreamListener tunnel = connect(300_000);
        tunnel.onRequestEnd(null);
        assertFalse(target.shutdownOutput, "nothing to shut down yet");
        target.listener.onTunnelOpen(new InetSocketAddress("127.0.0.1", 443));
        assertEquals(200, client.head.status());
        assertTrue(target.shutdownOutput, "the client's FIN must reach the target once it is open");
        target.listener.onTunnelEnd();
        assertTrue(target.closed);
        assertEquals(1, outcomes.size());
    }

    @Test
    void releasesTheTargetWhenTheClientVanishesAfterTheTargetsFin() {
        ClientStreamListener tunnel = connect(300_000);
        target.listener.onTunnelOpen(new InetSocketAddress("127.0.0.1", 443));
        tunnel.onRequestBody(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
        target.listener.onTunnelData(Unpooled.copiedBuffer("pong", StandardCharsets.US_ASCII));
        target.listener.onTunnelEnd();
        assertTrue(client.ended, "the target's FIN goes to the client");
        assertFalse(target.closed, "the client's direction is still open");
        tunnel.onClientAbort(null);
        assertTrue(target.closed, "the socket must not outlive a vanished client");
        assertEquals("ping", target.written.toString());
        assertEquals(1, outcomes.size());
    }

    @Test
    void closesATcpTunnelThatStaysIdle() {
        ClientStreamListener tunnel = connect(1_000);
        target.listener.onTunnelOpen(new InetSocketAddress("127.0.0.1", 443));
        loop.advanceTimeBy(600, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        tunnel.onRequestBody(Unpooled.copiedBuffer("keep", StandardCharsets.US_ASCII));
        loop.advanceTimeBy(600, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertFalse(target.closed, "traffic 600 ms ago keeps it open");
        loop.advanceTimeBy(1_100, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertTrue(target.closed);
        assertTrue(client.ended);
        assertEquals(1, outcomes.size());
    }

    @Test
    void aSelectorHookSendsTheTunnelToTheNextHopItChooses() {
        TunnelTarget nextHop = new TunnelTarget(TunnelTarget.Kind.TCP, "hop2.test", 8443);
        List<TunnelTarget> seen = new ArrayList<>();
        ProxyHook selector = new ProxyHook() {
            @Override
            public TunnelTarget selectTunnelTarget(ExchangeContext ctx, TunnelTarget requested) {
                seen.add(requested);
                return nextHop;
            }
        };
        connect(300_000, selector);
        assertEquals(List.of(new TunnelTarget(TunnelTarget.Kind.TCP, "target.test", 443)), seen);
        assertEquals(nextHop, target.opened);
        target.listener.onTunnelOpen(new InetSocketAddress("127.0.0.1", 8443));
        assertEquals(200, client.head.status());
    }

    @Test
    void aSelectorThatChangesTheTunnelsKindIsTheRelaysOwnError() {
        ProxyHook selector = new ProxyHook() {
            @Override
            public TunnelTarget selectTunnelTarget(ExchangeContext ctx, TunnelTarget requested) {
                return new TunnelTarget(TunnelTarget.Kind.UDP, requested.host(), requested.port());
            }
        };
        connect(300_000, selector);
        assertEquals(500, client.head.status());
        assertEquals(null, target.opened, "nothing may be opened");
        assertEquals(1, outcomes.size());
    }
}
