package dev.ferry.app.server;

import dev.ferry.app.config.ListenerConfig;
import dev.ferry.ingress.Http3Listener;
import dev.ferry.tcpingress.TcpListener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One configured listener as bound: its QUIC side, and its TCP side when it has one.
 *
 * @param config what the configuration said of it (a reload compares this)
 * @param tcp    null when the listener serves QUIC only
 */
record BoundListener(ListenerConfig config, Http3Listener quic, TcpListener tcp) {

    /** What stops each side gracefully: GOAWAY now, running requests get up to {@code grace}, then closed. */
    List<Runnable> drains(Duration grace) {
        List<Runnable> drains = new ArrayList<>();
        if (tcp != null) {
            drains.add(() -> tcp.close(grace));
        }
        drains.add(() -> quic.close(grace));
        return drains;
    }

    /** Closes both sides at once, running requests with them. */
    void close() {
        if (tcp != null) {
            tcp.close();
        }
        quic.close();
    }
}
