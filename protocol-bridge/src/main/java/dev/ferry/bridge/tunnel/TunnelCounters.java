package dev.ferry.bridge.tunnel;

import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes and datagrams through tunnels in each direction, and datagrams dropped by reason. One instance per tunnel
 * (touched on its event loop) and one for the whole relay (summed from every loop, hence adders).
 */
public final class TunnelCounters {
    /** Where a tunnel's counters live in its {@link dev.ferry.bridge.hook.ExchangeContext}, for hooks to report. */
    public static final dev.ferry.bridge.hook.ExchangeContext.AttributeKey<TunnelCounters> KEY =
            dev.ferry.bridge.hook.ExchangeContext.AttributeKey.of("tunnel-counters");

    /** Why a datagram was not forwarded. */
    public enum Drop { UNKNOWN_CONTEXT, TOO_LARGE, MALFORMED, NOT_OPEN, SOCKET_ERROR }

    private final LongAdder bytesToTarget = new LongAdder();
    private final LongAdder bytesToClient = new LongAdder();
    private final LongAdder datagramsToTarget = new LongAdder();
    private final LongAdder datagramsToClient = new LongAdder();
    private final LongAdder capsulesToClient = new LongAdder();
    private final LongAdder[] drops = new LongAdder[Drop.values().length];

    public TunnelCounters() {
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    public void toTarget(int bytes, boolean datagram) {
        bytesToTarget.add(bytes);
        if (datagram) {
            datagramsToTarget.increment();
        }
    }

    public void toClient(int bytes, boolean datagram, boolean asCapsule) {
        bytesToClient.add(bytes);
        if (datagram) {
            datagramsToClient.increment();
        }
        if (asCapsule) {
            capsulesToClient.increment();
        }
    }

    public void drop(Drop reason) {
        drops[reason.ordinal()].increment();
    }

    public long bytesToTarget() {
        return bytesToTarget.sum();
    }

    public long bytesToClient() {
        return bytesToClient.sum();
    }

    public long datagramsToTarget() {
        return datagramsToTarget.sum();
    }

    public long datagramsToClient() {
        return datagramsToClient.sum();
    }

    /** Datagrams sent to the client as DATAGRAM capsules rather than QUIC DATAGRAM frames. */
    public long capsulesToClient() {
        return capsulesToClient.sum();
    }

    public long drops(Drop reason) {
        return drops[reason.ordinal()].sum();
    }

    public long totalDrops() {
        long sum = 0;
        for (LongAdder d : drops) {
            sum += d.sum();
        }
        return sum;
    }

    /** Adds this tunnel's figures to a relay-wide total. */
    public void addTo(TunnelCounters total) {
        total.bytesToTarget.add(bytesToTarget.sum());
        total.bytesToClient.add(bytesToClient.sum());
        total.datagramsToTarget.add(datagramsToTarget.sum());
        total.datagramsToClient.add(datagramsToClient.sum());
        total.capsulesToClient.add(capsulesToClient.sum());
        for (int i = 0; i < drops.length; i++) {
            total.drops[i].add(drops[i].sum());
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append("to_target=").append(bytesToTarget.sum()).append("B/")
                .append(datagramsToTarget.sum()).append("dg to_client=").append(bytesToClient.sum()).append("B/")
                .append(datagramsToClient.sum()).append("dg capsules_to_client=").append(capsulesToClient.sum());
        for (Drop d : Drop.values()) {
            long n = drops[d.ordinal()].sum();
            if (n > 0) {
                sb.append(" drop_").append(d.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(n);
            }
        }
        return sb.toString();
    }
}
