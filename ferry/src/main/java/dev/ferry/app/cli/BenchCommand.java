package dev.ferry.app.cli;

import dev.ferry.tools.bench.BenchOptions;
import dev.ferry.tools.bench.BenchResult;
import dev.ferry.tools.bench.IdleConnections;
import dev.ferry.tools.bench.LoadGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ferry bench}: HTTP/3 load from the command line. No HTTP/3 h2load or wrk exists on the machines we work on,
 * and a relay needs a load generator that both Ferry and its peers can be measured with; see
 * {@code docs/performance.md}. Exit code 0 when at least one request succeeded, 1 when none did, 2 on bad usage.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Send HTTP/3 load to a URL and report throughput, latency percentiles and errors")
public final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URL", description = "https://host[:port]/path")
    String url;

    @Option(names = {"-c", "--connections"}, defaultValue = "1", description = "QUIC connections (default ${DEFAULT-VALUE})")
    int connections;

    @Option(names = {"-s", "--streams"}, paramLabel = "N",
            description = "Concurrent requests per connection (default 1; with --rate, the in-flight cap, default 100)")
    Integer streams;

    @Option(names = {"-d", "--duration"}, defaultValue = "10s", converter = GetCommand.DurationConverter.class,
            description = "How long to measure (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = {"-n", "--requests"}, defaultValue = "0", description = "Measure this many requests instead of a duration")
    long requests;

    @Option(names = "--warmup", defaultValue = "2s", converter = GetCommand.DurationConverter.class,
            description = "Load before measuring, not counted (default ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = {"-X", "--request"}, paramLabel = "METHOD", description = "Request method (default GET, or POST with --body-size)")
    String method;

    @Option(names = "--body-size", paramLabel = "BYTES", defaultValue = "0", description = "Generated request body of this many bytes")
    long bodySize;

    @Option(names = {"-r", "--rate"}, paramLabel = "REQ/S", defaultValue = "0",
            description = "Open model: this many requests per second over all connections; latency counts from the "
                    + "intended send time. Without it: closed model, as fast as responses come back")
    double rate;

    @Option(names = "--timeout", defaultValue = "30s", converter = GetCommand.DurationConverter.class,
            description = "Cancel a request not finished after this long and count a timeout (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Client event-loop threads (default: min(connections, cores))")
    Integer threads;

    @Option(names = {"-k", "--insecure"}, description = "Do not verify the server certificate")
    boolean insecure;

    @Option(names = "--connect-to", paramLabel = "HOST:PORT", description = "Connect here, but keep the URL's authority and SNI")
    String connectTo;

    @Option(names = "--qlog-dir", paramLabel = "DIR",
            description = "Write a qlog file per connection into DIR (created if missing), for qvis")
    Path qlogDir;

    @Option(names = "--json", description = "Print the result as one JSON object")
    boolean json;

    @Option(names = "--histogram", paramLabel = "FILE", description = "Write the latency percentile distribution (ms, HdrHistogram format)")
    Path histogram;

    @Option(names = "--cpu-pid", paramLabel = "PID",
            description = "Also report the CPU seconds this process (the server) used while measuring, from /proc")
    long cpuPid;

    @Option(names = "--idle-connections", paramLabel = "N",
            description = "Scale probe: open N connections (one request each), hold them idle for --hold, close")
    int idleConnections;

    @Option(names = "--hold", defaultValue = "30s", converter = GetCommand.DurationConverter.class,
            description = "How long --idle-connections holds the connections (default ${DEFAULT-VALUE})")
    Duration hold;

    private final PrintStream out;
    private final PrintStream err;

    public BenchCommand() {
        this(System.out, System.err);
    }

    /** For tests: where the result and the diagnostics go. */
    public BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        BenchOptions options;
        try {
            options = options();
        } catch (GetCommand.UsageException e) {
            err.println("ferry bench: " + e.getMessage());
            return GetCommand.EXIT_USAGE;
        } catch (IllegalArgumentException e) {
            err.println("ferry bench: " + e.getMessage());
            return GetCommand.EXIT_USAGE;
        } catch (UnknownHostException e) {
            err.println("ferry bench: cannot resolve host " + e.getMessage());
            return GetCommand.EXIT_RESOLVE;
        }
        if (idleConnections > 0) {
            int open = new IdleConnections(options, out).run(idleConnections, hold);
            return open > 0 ? 0 : 1;
        }
        LoadGenerator generator = new LoadGenerator(options);
        if (cpuPid > 0) {
            generator.watchCpuOf(cpuPid);
        }
        BenchResult result = generator.run(url);
        if (generator.firstError() != null) {
            err.println("ferry bench: first error: " + generator.firstError());
        }
        if (json) {
            out.println(result.toJson());
        } else {
            result.print(out);
        }
        out.flush();
        if (histogram != null) {
            try (PrintStream file = new PrintStream(Files.newOutputStream(histogram), false, "UTF-8")) {
                result.writeHistogram(file);
            } catch (IOException e) {
                err.println("ferry bench: cannot write " + histogram + ": " + e.getMessage());
                return 1;
            }
        }
        return result.requests() > 0 ? 0 : 1;
    }

    private BenchOptions options() throws GetCommand.UsageException, UnknownHostException {
        GetCommand.Target target = GetCommand.Target.parse(url, connectTo);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(target.connectHost()),
                target.connectPort());
        String m = method != null ? method.toUpperCase(Locale.ROOT) : bodySize > 0 ? "POST" : "GET";
        int s = streams != null ? streams : rate > 0 ? 100 : 1;
        int cores = Runtime.getRuntime().availableProcessors();
        int t = threads != null ? threads : Math.max(1, Math.min(Math.max(connections, 1), cores));
        int c = idleConnections > 0 ? Math.max(connections, 1) : connections;
        if (qlogDir != null) {
            try {
                // Netty takes an existing directory for one file per connection, anything else for a single file.
                java.nio.file.Files.createDirectories(qlogDir);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--qlog-dir: cannot create " + qlogDir + ": " + e.getMessage(), e);
            }
        }
        return new BenchOptions(address, target.host(), target.authority(), target.path(), m, bodySize, c, s,
                duration, requests, warmup, rate, timeout, insecure, t, qlogDir == null ? null : qlogDir.toString());
    }
}
