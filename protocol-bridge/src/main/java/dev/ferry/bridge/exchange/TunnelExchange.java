package dev.ferry.bridge.exchange;

import dev.ferry.bridge.net.HostPort;
import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.ExchangeOutcome;
import dev.ferry.bridge.hook.ProxyHook;
import dev.ferry.bridge.tunnel.ConnectUdpTarget;
import dev.ferry.bridge.tunnel.TunnelCounters;
import dev.ferry.bridge.tunnel.TunnelEndpoint;
import dev.ferry.bridge.tunnel.TunnelListener;
import dev.ferry.bridge.tunnel.TunnelSettings;
import dev.ferry.bridge.tunnel.TunnelTarget;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

import java.net.InetSocketAddress;

/**
 * One tunnel: CONNECT (a TCP byte stream, RFC 9114 4.4) or CONNECT-UDP (datagrams, RFC 9298) on one request
 * stream. Runs {@code onRequest} then {@code onTunnel}, opens the target through the {@link
 * dev.ferry.bridge.tunnel.TunnelConnector} (which resolves and applies the egress policy), answers 200 once the
 * socket is open, then relays until either side ends.
 *
 * <p>Same invariants as {@link Exchange}: one event loop, and each side is read only while the other is writable.
 * TCP half-close is kept: a FIN from one side becomes a FIN on the other, and the tunnel ends when both have
 * ended. A UDP tunnel ends when the client ends its stream, on error, or after the idle timeout.
 */
final class TunnelExchange implements ClientStreamListener, TunnelListener {
    private final ExchangeDriver driver;
    /** The configuration this tunnel started on, kept to its end. */
    private final Generation generation;
    private final TunnelSettings settings;
    private final ClientStream client;
    private final ExchangeContext ctx;
    private final RequestHead request;
    private final TunnelCounters counters = new TunnelCounters();
    private TunnelTarget target;
    private TunnelEndpoint endpoint;
    private boolean open;
    private boolean clientEnded;
    private boolean targetEnded;
    private final ExchangeLifecycle life;

    TunnelExchange(ExchangeDriver driver, Generation generation, ClientStream client, ExchangeContext ctx,
                   RequestHead request) {
        this.driver = driver;
        this.generation = generation;
        this.settings = generation.tunnels;
        this.client = client;
        this.ctx = ctx;
        this.request = request;
        this.life = new ExchangeLifecycle(client, ctx, generation::exit);
        ctx.set(TunnelCounters.KEY, counters);
    }

    void start() {
        client.setReading(false);
        HookPhase.run(generation.hooks, 0, client.eventLoop(), hook -> hook.onRequest(ctx, request),
                outcome(this::resolveTarget), generation.settings.deferTimeoutMillis());
    }

    private HookPhase.Outcome outcome(Runnable proceed) {
        return HookPhase.outcome(proceed, this::respondLocally, this::fail, life::isEnded);
    }

    private void resolveTarget() {
        try {
            target = parseTarget();
        } catch (ProxyException e) {
            fail(e);
            return;
        }
        ctx.originName(target.toString());
        HookPhase.run(generation.hooks, 0, client.eventLoop(), hook -> hook.onTunnel(ctx, target),
                outcome(this::openTarget), generation.settings.deferTimeoutMillis());
    }

    private TunnelTarget parseTarget() {
        if (settings == null) {
            throw notServed("tunnels are not enabled on this relay");
        }
        if (request.protocol() == null) {
            if (!settings.connect()) {
                throw notServed("CONNECT is not enabled on this relay");
            }
            return tcpTarget(request.authority());
        }
        if (!"connect-udp".equals(request.protocol()) || !settings.connectUdp()) {
            throw notServed("extended CONNECT protocol " + request.protocol() + " is not served here");
        }
        try {
            ConnectUdpTarget udp = settings.template().match(request.path());
            return new TunnelTarget(TunnelTarget.Kind.UDP, udp.host(), udp.port());
        } catch (IllegalArgumentException e) {
            throw ProxyException.badRequest("CONNECT-UDP target: " + e.getMessage());
        }
    }

    private static TunnelTarget tcpTarget(String authority) {
        if (authority == null) {
            throw ProxyException.badRequest("CONNECT needs host:port, got no :authority");
        }
        try {
            HostPort target = HostPort.parse(authority, false);
            return new TunnelTarget(TunnelTarget.Kind.TCP, target.host(), target.port());
        } catch (IllegalArgumentException e) {
            throw ProxyException.badRequest("CONNECT target: " + e.getMessage());
        }
    }

    private static ProxyException notServed(String detail) {
        return new ProxyException(ProxyErrorType.HTTP_REQUEST_DENIED, ProxyException.Side.CLIENT, true, detail);
    }

    private void openTarget() {
        life.opening();
        for (ProxyHook hook : generation.hooks) {
            TunnelTarget chosen;
            try {
                chosen = hook.selectTunnelTarget(ctx, target);
            } catch (RuntimeException e) {
                fail(e instanceof ProxyException pe ? pe : HookPhase.hookFailure(e));
                return;
            }
            if (chosen == null || chosen.kind() != target.kind()) {
                fail(HookPhase.invalidEdit(hook, "selectTunnelTarget", chosen == null ? "no target"
                        : "a " + chosen.kind() + " target for a " + target.kind() + " tunnel", false));
                return;
            }
            target = chosen;
        }
        ctx.originName(target.toString());
        endpoint = settings.connector().open(client.eventLoop(), target, this);
    }

    // ---- target events ---------------------------------------------------------------------------------------

    @Override
    public void onTunnelOpen(InetSocketAddress remote) {
        if (life.isEnded()) {
            endpoint.close();
            return;
        }
        open = true;
        driver.tunnelOpened(target.kind());
        ResponseHead.Builder head = ResponseHead.builder(200);
        if (target.kind() == TunnelTarget.Kind.UDP) {
            // RFC 9298 3.3 / RFC 9297 3.4: the stream now carries the capsule protocol.
            head.headers().set("capsule-protocol", "?1");
        }
        life.headSending(head.status());
        try {
            life.status(LocalAnswer.sendHeadOnly(client, generation.hooks, ctx, head));
        } catch (RuntimeException e) {
            life.headNotSent();
            fail(HookPhase.hookFailure(e));
            return;
        }
        if (target.kind() == TunnelTarget.Kind.UDP && !client.startDatagrams(counters)) {
            fail(new ProxyException(ProxyErrorType.PROXY_INTERNAL_ERROR, ProxyException.Side.PROXY, false,
                    "this listener cannot carry HTTP datagrams"));
            return;
        }
        life.watchIdle(idleTimeoutMillis(), () -> {
            // Both directions end: the client gets a FIN, the target's socket is closed.
            client.writeEnd(null);
            finish();
        });
        if (clientEnded) {
            // The client's FIN came while the target was being opened: it ends the client's direction now.
            clientEnded = false;
            onRequestEnd(null);
            if (life.isEnded()) {
                return;
            }
        }
        client.setReading(endpoint.isWritable());
        endpoint.setReading(client.isWritable());
    }

    private long idleTimeoutMillis() {
        return target.kind() == TunnelTarget.Kind.UDP ? settings.udpIdleTimeoutMillis()
                : settings.tcpIdleTimeoutMillis();
    }

    @Override
    public void onTunnelData(ByteBuf data) {
        if (life.isEnded()) {
            data.release();
            return;
        }
        life.touch();
        if (target.kind() == TunnelTarget.Kind.UDP) {
            client.writeDatagram(data);
        } else {
            counters.toClient(data.readableBytes(), false, false);
            client.writeBody(data);
        }
        if (!client.isWritable()) {
            endpoint.setReading(false);
        }
    }

    @Override
    public void onTunnelEnd() {
        if (life.isEnded() || targetEnded) {
            return;
        }
        targetEnded = true;
        client.writeEnd(null);
        if (clientEnded) {
            finish();
        }
    }

    @Override
    public void onTunnelWritabilityChanged() {
        if (open && !life.isEnded() && !clientEnded) {
            client.setReading(endpoint.isWritable());
        }
    }

    @Override
    public void onTunnelFailure(ProxyException failure) {
        fail(failure);
    }

    // ---- client events ---------------------------------------------------------------------------------------

    @Override
    public void onRequestBody(ByteBuf data) {
        if (life.isEnded() || !open) {
            data.release();
            return;
        }
        life.touch();
        counters.toTarget(data.readableBytes(), false);
        endpoint.write(data);
        if (!endpoint.isWritable()) {
            client.setReading(false);
        }
    }

    @Override
    public void onRequestDatagram(ByteBuf payload) {
        if (life.isEnded() || !open) {
            counters.drop(TunnelCounters.Drop.NOT_OPEN);
            payload.release();
            return;
        }
        life.touch();
        counters.toTarget(payload.readableBytes(), true);
        endpoint.write(payload);
    }

    @Override
    public void onRequestEnd(HttpHeaders trailers) {
        if (life.isEnded() || clientEnded) {
            return;
        }
        clientEnded = true;
        if (!open) {
            return;
        }
        if (target.kind() == TunnelTarget.Kind.UDP) {
            // The client closed its side: the UDP flow is over (RFC 9298 3.1).
            client.writeEnd(null);
            finish();
            return;
        }
        endpoint.shutdownOutput();
        if (targetEnded) {
            finish();
        }
    }

    @Override
    public void onClientWritabilityChanged() {
        if (open && !life.isEnded()) {
            endpoint.setReading(client.isWritable());
        }
    }

    @Override
    public void onClientAbort(Throwable cause) {
        if (life.isEnded()) {
            return;
        }
        complete(new ProxyException(ProxyErrorType.CONNECTION_TERMINATED, ProxyException.Side.CLIENT, false,
                "client aborted: " + (cause == null ? "stream closed" : cause.getMessage())));
    }

    // ---- endings ---------------------------------------------------------------------------------------------

    private void respondLocally(ResponseHead head, byte[] body) {
        life.headSending(head.status());
        life.status(LocalAnswer.send(client, generation.hooks, ctx, head.toBuilder(), body, true));
        complete(null);
    }

    private void fail(ProxyException error) {
        if (life.isEnded()) {
            return;
        }
        life.answerError(generation.hooks, generation.settings, error, true);
        complete(error);
    }

    private void finish() {
        complete(null);
    }

    private void complete(ProxyException error) {
        life.end(() -> {
            if (endpoint != null) {
                endpoint.close();
            }
            counters.addTo(driver.tunnelTotals());
            if (open) {
                driver.tunnelEnded(target.kind(), counters);
            }
        }, generation.hooks, () -> new ExchangeOutcome(request, life.status(), counters.bytesToTarget(),
                counters.bytesToClient(), life.headNanos(), System.nanoTime() - ctx.startNanos(),
                error == null ? null : error.type(), error == null ? null : error.getMessage()));
    }
}
