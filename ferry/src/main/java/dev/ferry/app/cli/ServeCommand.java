package dev.ferry.app.cli;

import dev.ferry.bridge.net.HostPort;
import dev.ferry.app.config.ConfigException;
import dev.ferry.app.config.ConfigLoader;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.config.ListenerConfig;
import dev.ferry.testorigin.BuiltinOrigin;
import dev.ferry.app.server.FerryServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import dev.ferry.ingress.Http3Listener;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ferry serve [--config FILE]}: runs the relay until interrupted. Without a file it runs the built-in
 * default: HTTP/3 on 127.0.0.1:8443 with a certificate generated into the state directory, in front of a small
 * built-in HTTP/1.1 origin on an ephemeral loopback port. With a file, SIGHUP ({@code ferry reload}) applies the
 * file again without dropping a request ({@link ConfigReloader}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the relay (the built-in default when no --config is given)")
public final class ServeCommand implements Callable<Integer> {
    /** How long Ctrl-C waits for running requests before closing them. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file")
    Path config;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "With the built-in default: listen here instead of 127.0.0.1:8443")
    String listen;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "With the built-in default: keep generated certificates here")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            FerryConfig effective;
            if (config != null) {
                effective = ConfigLoader.load(config);
            } else {
                BuiltinOrigin origin = BuiltinOrigin.builder()
                        .address(new InetSocketAddress("127.0.0.1", 0)).build().start();
                resources.add(origin);
                effective = builtinDefault(origin.address());
            }
            FerryServer server = FerryServer.create(effective).start();
            boolean tunnels = effective.tunnels().enabled();
            resources.add(0, server);
            if (server.warmUpSummary() != null) {
                err.println("ferry: warmed up: " + server.warmUpSummary());
            }
            if (config != null) {
                resources.add(1, ConfigReloader.install(config, server, effective.stateDir(), err));
            }
            printBanner(effective, server, config == null);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                err.println("ferry: shutting down");
                if (tunnels) {
                    err.println("ferry: tunnels in total: " + server.tunnelTotals());
                }
                for (Http3Listener listener : server.listeners()) {
                    if (listener.socketCount() > 1) {
                        // How evenly SO_REUSEPORT spread the connections over the loops (counts only, no address).
                        err.println("ferry: connections accepted per socket on " + hostPort(listener.localAddress())
                                + ": " + listener.acceptedPerSocket().stream().map(String::valueOf)
                                .collect(java.util.stream.Collectors.joining(" ")));
                    }
                }
                // Let running requests finish (GOAWAY first), then close the rest.
                server.close(SHUTDOWN_GRACE);
                closeAll(resources);
                stopped.countDown();
            }, "ferry-shutdown"));
            stopped.await();
            return 0;
        } catch (ConfigException e) {
            err.println("ferry serve: invalid configuration " + config + ":");
            e.problems().forEach(p -> err.println("  " + p));
            closeAll(resources);
            return 2;
        } catch (Exception e) {
            err.println("ferry serve: " + e.getMessage());
            closeAll(resources);
            return 1;
        }
    }

    private FerryConfig builtinDefault(InetSocketAddress origin) {
        FerryConfig base = FerryConfig.defaults(origin);
        ListenerConfig listener = base.listeners().get(0);
        if (listen != null) {
            listener = listener.withAddress(parseAddress(listen));
        }
        return new FerryConfig(base.proxyName(), stateDir != null ? stateDir : base.stateDir(), base.eventLoops(),
                List.of(listener), base.routes(), base.origins(), base.headers(), base.accessLog());
    }

    private static InetSocketAddress parseAddress(String hostPort) {
        try {
            // Resolved now: a listen address is bound at once.
            HostPort parsed = HostPort.parse(hostPort, true);
            return new InetSocketAddress(parsed.host(), parsed.port());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--listen must be HOST:PORT: " + e.getMessage(), e);
        }
    }

    private static void printBanner(FerryConfig config, FerryServer server, boolean builtin) {
        PrintStream out = System.err;
        for (int i = 0; i < server.listeners().size(); i++) {
            Http3Listener listener = server.listeners().get(i);
            InetSocketAddress address = listener.localAddress();
            String authority = address.getAddress().getHostAddress() + ":" + address.getPort();
            if (address.getAddress() instanceof java.net.Inet6Address) {
                authority = "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
            }
            int sockets = listener.socketCount();
            out.println("ferry: listening on https://" + authority + " (HTTP/3 over QUIC, UDP; "
                    + server.transport().name().toLowerCase(java.util.Locale.ROOT) + ", " + sockets
                    + (sockets == 1 ? " socket)" : " sockets sharing the port, one per event loop)"));
            dev.ferry.tcpingress.TcpListener tcp = server.tcpListeners().get(i);
            if (tcp != null) {
                out.println("ferry: listening on https://" + hostPort(tcp.localAddress())
                        + " (HTTP/2 and HTTP/1.1 over TLS, TCP" + (tcp.altSvc() == null ? ")"
                        : "; answers carry alt-svc: " + tcp.altSvc() + ")"));
            }
            if (builtin) {
                out.println("ferry: built-in origin behind it: "
                        + hostPort(config.origins().values().iterator().next().endpoints().get(0)));
                out.println("ferry: try it:  bin/ferry get -k https://" + authority + "/");
                if (server.tcpListeners().get(i) != null) {
                    out.println("ferry: or over TCP:  curl -k -i https://" + authority + "/");
                }
            }
        }
        out.println("ferry: press Ctrl-C to stop" + (builtin ? "" : "; ferry reload (or SIGHUP) applies the file again"));
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception ignored) {
                // Shutting down: nothing more useful to do with a failure here.
            }
        }
        resources.clear();
    }
}
