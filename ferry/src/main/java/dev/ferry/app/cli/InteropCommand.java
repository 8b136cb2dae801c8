package dev.ferry.app.cli;

import dev.ferry.app.config.FerryConfig;
import dev.ferry.app.interop.InteropCase;
import dev.ferry.app.interop.InteropClient;
import dev.ferry.app.interop.InteropEnvironment;
import dev.ferry.app.interop.InteropServerConfig;
import dev.ferry.app.server.FerryServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ferry interop [server|client]}: an endpoint for the QUIC interop runner. The role comes from the argument
 * or {@code ROLE}, the case from {@code TESTCASE}; paths and the port as {@link InteropEnvironment} describes.
 * Exit codes follow the runner: 0 done, 1 failed, 127 a case this endpoint does not take part in (the reason is
 * printed). The server runs until it is stopped (SIGTERM), serving {@code /www} through the relay; the client
 * ({@link InteropClient}) fetches {@code REQUESTS} into {@code /downloads} and exits.
 */
@Command(name = "interop", mixinStandardHelpOptions = true,
        description = "A QUIC interop runner endpoint: ROLE, TESTCASE, REQUESTS from the environment")
public final class InteropCommand implements Callable<Integer> {
    /** The runner's code for a case an endpoint does not support. */
    public static final int UNSUPPORTED = 127;
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

    @Parameters(arity = "0..1", paramLabel = "ROLE", description = "server or client (default: $ROLE)")
    String role;

    /** Whether {@code args} start a server, which must not be ended by an exit when its command returns. */
    public static boolean runsUntilStopped(String[] args) {
        if (args.length == 0 || !"interop".equals(args[0])) {
            return false;
        }
        String given = args.length > 1 ? args[1] : System.getenv("ROLE");
        return "server".equals(given == null ? null : given.trim());
    }

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        InteropEnvironment env = InteropEnvironment.of(System.getenv());
        String effectiveRole = role != null ? role : env.role();
        Optional<InteropCase> testCase = InteropCase.named(env.testCase());
        if (testCase.isEmpty()) {
            err.println("ferry interop: unsupported test case: \"" + env.testCase() + "\"");
            return UNSUPPORTED;
        }
        return switch (effectiveRole) {
            case "server" -> server(testCase.get(), env, err);
            case "client" -> client(testCase.get(), env, err);
            default -> {
                err.println("ferry interop: ROLE must be server or client, not \"" + effectiveRole + "\"");
                yield 1;
            }
        };
    }

    private static int server(InteropCase testCase, InteropEnvironment env, PrintStream err) throws Exception {
        String unsupported = testCase.serverUnsupportedReason();
        if (unsupported != null) {
            err.println("ferry interop: unsupported test case " + testCase.runnerName() + " (server): " + unsupported);
            return UNSUPPORTED;
        }
        Path state = Files.createTempDirectory("ferry-interop-");
        if (env.qlogDir() != null) {
            // Netty takes an existing directory for one file per connection, anything else for a single file.
            Files.createDirectories(env.qlogDir());
        }
        FerryConfig config = InteropServerConfig.of(testCase, env, state);
        FerryServer server = FerryServer.create(config).start();
        err.println("ferry interop: server for " + testCase.runnerName() + " ("
                + config.listeners().get(0).quic().applicationProtocol() + ") on UDP "
                + server.listenerAddresses().get(0) + ", serving " + env.www());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(SHUTDOWN_GRACE);
            stopped.countDown();
        }, "ferry-interop-shutdown"));
        stopped.await();
        return 0;
    }

    private static int client(InteropCase testCase, InteropEnvironment env, PrintStream err) {
        String unsupported = testCase.clientUnsupportedReason();
        if (unsupported != null) {
            err.println("ferry interop: unsupported test case " + testCase.runnerName() + " (client): " + unsupported);
            return UNSUPPORTED;
        }
        return InteropClient.run(testCase, env, err);
    }
}
