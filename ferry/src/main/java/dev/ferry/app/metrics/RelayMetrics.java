package dev.ferry.app.metrics;

import dev.ferry.bridge.exchange.ExchangeDriver;
import dev.ferry.bridge.tunnel.TunnelCounters;
import dev.ferry.bridge.tunnel.TunnelTarget;
import dev.ferry.ingress.Http3Listener;
import dev.ferry.ingress.QuicTransportTotals;
import dev.ferry.origin.HttpOriginConnector;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The relay's metrics registry, in Prometheus's text format for {@code /metrics}: the exchange metrics
 * ({@link ExchangeMetrics}), connections per listener, tunnel totals, and the JVM's memory, GC, threads and CPU.
 * Listener and tunnel figures are read when scraped, from counters the relay keeps anyway: they cost nothing on
 * the event loops.
 */
public final class RelayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExchangeMetrics exchanges = ExchangeMetrics.create(registry);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public RelayMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** The hook that records each exchange; put it in the relay's hook chain. */
    public ExchangeMetrics exchangeHook() {
        return exchanges;
    }

    /** The meters of each bound listener, by name: a listener a reload removes takes its series with it. */
    private final java.util.Map<String, java.util.List<Meter>> listenerMeters =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Connections of {@code listener}, labelled with its configured name. */
    public void bindListener(String name, Http3Listener listener) {
        unbindListener(name);
        java.util.List<Meter> meters = new java.util.ArrayList<>();
        meters.add(Gauge.builder("ferry.quic.connections.open", listener, Http3Listener::openConnections)
                .description("QUIC connections open now").tag("listener", name).register(registry));
        meters.add(FunctionCounter.builder("ferry.quic.connections.accepted", listener,
                        l -> l.acceptedPerSocket().stream().mapToLong(Long::longValue).sum())
                .description("QUIC connections accepted since start").tag("listener", name).register(registry));
        meters.add(FunctionCounter.builder("ferry.quic.request.streams", listener, Http3Listener::requestStreams)
                .description("HTTP/3 request streams clients opened").tag("listener", name).register(registry));
        meters.addAll(ListenerRttGauges.register(registry, name, listener));
        QuicTransportTotals t = listener.transportTotals();
        meters.add(transportCounter("ferry.quic.packets", name, "sent", t, QuicTransportTotals::packetsSent));
        meters.add(transportCounter("ferry.quic.packets", name, "received", t, QuicTransportTotals::packetsReceived));
        meters.add(transportCounter("ferry.quic.packets", name, "lost", t, QuicTransportTotals::packetsLost));
        meters.add(transportCounter("ferry.quic.packets", name, "retransmitted", t,
                QuicTransportTotals::packetsRetransmitted));
        meters.add(transportCounter("ferry.quic.bytes", name, "sent", t, QuicTransportTotals::bytesSent));
        meters.add(transportCounter("ferry.quic.bytes", name, "received", t, QuicTransportTotals::bytesReceived));
        meters.add(transportCounter("ferry.quic.bytes", name, "lost", t, QuicTransportTotals::bytesLost));
        meters.add(FunctionCounter.builder("ferry.quic.handshake.failures", t, QuicTransportTotals::handshakeTimeouts)
                .description("QUIC connections closed before their handshake completed")
                .tags("listener", name, "reason", "timeout").register(registry));
        meters.add(FunctionCounter.builder("ferry.quic.handshake.failures", t, QuicTransportTotals::handshakeErrors)
                .description("QUIC connections closed before their handshake completed")
                .tags("listener", name, "reason", "error").register(registry));
        listenerMeters.put(name, meters);
    }

    /** Drops the series of a listener that a reload removed; a listener bound again under its name starts anew. */
    public void unbindListener(String name) {
        java.util.List<Meter> meters = listenerMeters.remove(name);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    /** One of quiche's transport counts, summed over a listener's closed connections. */
    private Meter transportCounter(String metric, String listener, String what, QuicTransportTotals totals,
                                   ToDoubleFunction<QuicTransportTotals> value) {
        return FunctionCounter.builder(metric, totals, value)
                .description("QUIC transport counts of closed connections (quiche's), by what happened")
                .tags("listener", listener, "what", what).register(registry);
    }

    private final java.util.Map<String, OriginPoolGauges> originGauges = new java.util.concurrent.ConcurrentHashMap<>();

    /** Connection gauges of one HTTP origin, counted on its event loops when scraped. */
    public void bindOrigin(String name, HttpOriginConnector connector) {
        // Meters live as long as the registry: after a reload the same gauges count the new connector.
        OriginPoolGauges existing = originGauges.get(name);
        if (existing != null) {
            existing.use(connector);
        } else {
            originGauges.put(name, OriginPoolGauges.register(registry, name, connector));
        }
    }

    /**
     * Tunnels, read from the relay's counters when scraped: traffic of ended tunnels by kind ({@code connect} for
     * TCP, {@code connect-udp} for UDP, as the request series name them), and the tunnels open now.
     */
    public void bindTunnels(ExchangeDriver driver) {
        for (TunnelTarget.Kind kind : TunnelTarget.Kind.values()) {
            String label = kind == TunnelTarget.Kind.UDP ? "connect-udp" : "connect";
            TunnelCounters totals = driver.tunnelTotals(kind);
            tunnelCounter("ferry.tunnel.bytes", label, "to_target", totals, TunnelCounters::bytesToTarget);
            tunnelCounter("ferry.tunnel.bytes", label, "to_client", totals, TunnelCounters::bytesToClient);
            Gauge.builder("ferry.tunnels.open", driver, d -> d.tunnelsOpen(kind))
                    .description("Tunnels open now (answered 2xx, not yet ended), by kind")
                    .tag("kind", label).register(registry);
        }
        TunnelCounters udp = driver.tunnelTotals(TunnelTarget.Kind.UDP);
        tunnelCounter("ferry.tunnel.datagrams", "connect-udp", "to_target", udp, TunnelCounters::datagramsToTarget);
        tunnelCounter("ferry.tunnel.datagrams", "connect-udp", "to_client", udp, TunnelCounters::datagramsToClient);
        FunctionCounter.builder("ferry.tunnel.capsules", udp, TunnelCounters::capsulesToClient)
                .description("UDP payloads sent to clients as DATAGRAM capsules rather than QUIC datagrams")
                .tag("direction", "to_client").register(registry);
        for (TunnelCounters.Drop reason : TunnelCounters.Drop.values()) {
            FunctionCounter.builder("ferry.tunnel.drops", udp, t -> t.drops(reason))
                    .description("Tunnel datagrams dropped, by reason")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(registry);
        }
    }

    private void tunnelCounter(String name, String kind, String direction, TunnelCounters totals,
                               ToDoubleFunction<TunnelCounters> value) {
        FunctionCounter.builder(name, totals, value)
                .description("Tunnel traffic of ended tunnels, by kind and direction")
                .tags("kind", kind, "direction", direction).register(registry);
    }

    /** Everything, in Prometheus's text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void close() {
        gc.close();
        registry.close();
    }
}
