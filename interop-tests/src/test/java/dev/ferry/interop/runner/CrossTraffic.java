package dev.ferry.interop.runner;

import dev.ferry.interop.support.BackgroundProcess;
import dev.ferry.interop.support.NetworkNamespaces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The runner's {@code crosstraffic} competitor: one TCP (cubic) flow through the same 10 Mbit/s bottleneck as the
 * QUIC transfer, from the server's namespace to the client's ({@code iperf3 -R}), the direction the download
 * takes, for as long as the case runs. The runner's iperf containers share the simulated link the same way.
 */
final class CrossTraffic implements AutoCloseable {
    private static final int PORT = 5201;
    /** The TCP flow's head start, so that it holds its share of the queue when the QUIC client starts. */
    private static final Duration HEAD_START = Duration.ofSeconds(1);

    private final BackgroundProcess server;
    private final BackgroundProcess client;

    private CrossTraffic(BackgroundProcess server, BackgroundProcess client) {
        this.server = server;
        this.client = client;
    }

    static CrossTraffic start(RunnerTopology net, Path dir) throws InterruptedException {
        BackgroundProcess server = BackgroundProcess.start(NetworkNamespaces.inside(net.server, List.of("iperf3",
                "-s", "-p", Integer.toString(PORT), "-1", "--forceflush")), dir, "iperf-server");
        try {
            server.awaitOutput("Server listening", Duration.ofSeconds(10));
            BackgroundProcess client = BackgroundProcess.start(NetworkNamespaces.inside(net.client, List.of("iperf3",
                    "-c", RunnerTopology.SERVER_ADDRESS, "-p", Integer.toString(PORT), "-R", "-C", "cubic", "-t",
                    "600", "-i", "1", "--forceflush")), dir, "iperf-client");
            Thread.sleep(HEAD_START.toMillis());
            if (!client.isAlive()) {
                server.close();
                throw new IllegalStateException("iperf3 client exited: " + client.logText());
            }
            return new CrossTraffic(server, client);
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public void close() {
        client.terminate(Duration.ofSeconds(3));
        server.terminate(Duration.ofSeconds(3));
    }
}
