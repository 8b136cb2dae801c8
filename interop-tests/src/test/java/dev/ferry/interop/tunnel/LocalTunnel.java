package dev.ferry.interop.tunnel;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A tunnel a client under test opened through the relay, seen from the test as a local port that forwards to the
 * target (UDP or TCP), or the relay's refusal of it.
 *
 * @param local         where the test sends to reach the target; null when refused
 * @param refusedStatus the relay's status when it refused the tunnel, 0 when it opened
 * @param refusal       the refusal as the client reported it (its proxy-status, its challenge), empty when open
 * @param problems      what the client found wrong in the relay's negotiation (SETTINGS, the answer's fields);
 *                      empty when all was right or the client cannot tell
 * @param handle        closes the tunnel and whatever the client needed for it
 */
record LocalTunnel(InetSocketAddress local, int refusedStatus, String refusal, List<String> problems,
                   AutoCloseable handle) implements AutoCloseable {

    static LocalTunnel open(InetSocketAddress local, List<String> problems, AutoCloseable handle) {
        return new LocalTunnel(local, 0, "", List.copyOf(problems), handle);
    }

    static LocalTunnel refused(int status, String refusal, AutoCloseable handle) {
        return new LocalTunnel(null, status, refusal, List.of(), handle);
    }

    boolean isOpen() {
        return local != null;
    }

    @Override
    public void close() throws Exception {
        handle.close();
    }
}
