package dev.ferry.app.interop;

import dev.ferry.bridge.transport.Transport;
import dev.ferry.tools.interop.Download;
import dev.ferry.tools.interop.FileClient;
import dev.ferry.tools.interop.FileClientSettings;
import dev.ferry.tools.interop.FileConnection;
import dev.ferry.tools.interop.Http3FileClient;
import dev.ferry.tools.interop.HqClient;
import dev.ferry.tools.interop.ParallelDownloads;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client role of Ferry's interop endpoint: fetches the runner's {@code REQUESTS} into {@code DOWNLOADS}, over
 * the connections the case asks for ({@link #plan}), in {@code hq-interop} or HTTP/3 ({@link
 * InteropCase#protocol()}). Exit codes are the runner's: 0 when every file arrived whole, 1 on any failure, with the
 * reason on standard error. Each connection is reported on standard error too, with whether its TLS session was
 * resumed, which is what the {@code resumption} case is about.
 */
public final class InteropClient {
    private static final long CLOSE_WAIT_SECONDS = 2;
    private final InteropCase testCase;
    private final FileClientSettings settings;
    private final PrintStream err;

    private InteropClient(InteropCase testCase, FileClientSettings settings, PrintStream err) {
        this.testCase = testCase;
        this.settings = settings;
        this.err = err;
    }

    /** Runs {@code testCase} (one the client supports) as {@code env} describes; returns the exit code. */
    public static int run(InteropCase testCase, InteropEnvironment env, PrintStream err) {
        FileClientSettings settings = FileClientSettings.defaults();
        if (env.qlogDir() != null) {
            try {
                // Netty takes an existing directory for one file per connection, anything else for a single file.
                java.nio.file.Files.createDirectories(env.qlogDir());
            } catch (java.io.IOException e) {
                err.println("ferry interop: QLOGDIR " + env.qlogDir() + ": " + e.getMessage());
                return 1;
            }
            settings = settings.withQlogDir(env.qlogDir().toString());
        }
        return new InteropClient(testCase, settings, err).run(env);
    }

    /**
     * Which files go on which connection, one after another: all on one (in parallel streams), one connection per
     * file, or for {@code resumption} the first file alone and then the rest on a second connection, which resumes
     * the first one's TLS session ({@code zerortt}: and sends the requests as 0-RTT early data).
     */
    static List<List<Download>> plan(InteropCase.Client mode, List<Download> downloads) {
        return switch (mode) {
            case ONE_CONNECTION -> List.of(downloads);
            case CONNECTION_PER_FILE -> downloads.stream().map(List::of).toList();
            case RESUME, EARLY_DATA -> downloads.size() < 2 ? List.of(downloads)
                    : List.of(downloads.subList(0, 1), downloads.subList(1, downloads.size()));
            case UNSUPPORTED -> throw new IllegalArgumentException("the client does not run " + mode);
        };
    }

    private int run(InteropEnvironment env) {
        InteropRequests requests;
        InetSocketAddress server;
        try {
            requests = InteropRequests.of(env.requests(), env.downloads());
            server = new InetSocketAddress(InetAddress.getByName(requests.host()), requests.port());
            Files.createDirectories(env.downloads());
        } catch (IllegalArgumentException | UnknownHostException e) {
            return fail(e instanceof UnknownHostException ? "cannot resolve " + e.getMessage() : e.getMessage());
        } catch (IOException e) {
            return fail("cannot create " + env.downloads() + ": " + e);
        }
        EventLoopGroup group = Transport.selected().newGroup(1);
        try (FileClient client = testCase.protocol() == InteropCase.Protocol.H3
                ? new Http3FileClient(group, settings) : new HqClient(group, settings, err)) {
            List<List<Download>> connections = plan(testCase.client(), requests.downloads());
            for (int i = 0; i < connections.size(); i++) {
                fetch(client, server, requests.host(), connections.get(i), i + 1, connections.size());
            }
            return 0;
        } catch (ExecutionException e) {
            return fail(e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        } catch (RuntimeException e) {
            return fail(e.toString());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    /** One connection: connect, download {@code files} in parallel, close; reports it on standard error. */
    private void fetch(FileClient client, InetSocketAddress server, String host, List<Download> files, int number,
                       int of) throws ExecutionException, InterruptedException {
        long start = System.nanoTime();
        boolean early = testCase.client() == InteropCase.Client.EARLY_DATA && number > 1;
        FileConnection connection;
        CompletableFuture<Void> downloads;
        // Whether the requests were handed over before the handshake ended, i.e. leave as 0-RTT: decided on the
        // event loop at that moment, not read later from another thread.
        AtomicBoolean zeroRtt = new AtomicBoolean();
        if (early) {
            CompletableFuture<CompletableFuture<Void>> started = new CompletableFuture<>();
            connection = client.connectEarly(server, host, c -> {
                zeroRtt.set(!c.quicChannel().isActive());
                started.complete(ParallelDownloads.run(c, files));
            }).get();
            downloads = started.get();
        } else {
            connection = client.connect(server, host).get();
            downloads = null;
        }
        try {
            long connected = System.nanoTime();
            (downloads != null ? downloads : ParallelDownloads.run(connection, files)).get();
            long bytes = 0;
            for (Download d : files) {
                bytes += d.file().toFile().length();
            }
            err.printf(Locale.ROOT, "ferry interop: connection %d/%d to %s (%s): %d file(s), %d bytes, handshake"
                            + " %.1f ms, transfer %.1f ms, TLS session resumed: %s, requests in 0-RTT: %s%n",
                    number, of, server, client.applicationProtocol(), files.size(), bytes, (connected - start) / 1e6,
                    (System.nanoTime() - connected) / 1e6,
                    connection.resumedSession().map(r -> r ? "yes" : "no").orElse("unknown"),
                    zeroRtt.get() ? "yes" : "no");
            if (early && !zeroRtt.get()) {
                err.println("ferry interop: WARNING: connection " + number + " could not send 0-RTT (no session, or"
                        + " the server takes no early data); the requests went after the handshake");
            }
            boolean resumes = testCase.client() == InteropCase.Client.RESUME
                    || testCase.client() == InteropCase.Client.EARLY_DATA;
            if (resumes && number > 1
                    && !connection.resumedSession().orElse(true)) {
                err.println("ferry interop: WARNING: connection " + number + " did not resume the TLS session (did"
                        + " the server send a session ticket?)");
            }
        } finally {
            connection.closeAsync().orTimeout(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    private int fail(String why) {
        err.println("ferry interop: client " + testCase.runnerName() + " failed: " + why);
        return 1;
    }
}
