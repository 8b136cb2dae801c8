package dev.ferry.app.cli;

import dev.ferry.bridge.transport.Transport;
import io.netty.channel.EventLoopGroup;
import dev.ferry.http3.QuicPacketSizes;
import dev.ferry.http3.tunnel.TunnelOptions;
import dev.ferry.tools.tunnel.HopChain;
import dev.ferry.bridge.net.HostPort;
import dev.ferry.http3.client.Http3Client;
import dev.ferry.http3.client.Http3ConnectException;
import dev.ferry.http3.client.Http3Connection;
import dev.ferry.http3.client.Http3Request;
import dev.ferry.http3.client.Http3Response;
import dev.ferry.http3.client.Http3StreamResetException;
import dev.ferry.http3.client.RequestBody;
import io.netty.handler.codec.http3.Http3Headers;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ferry get}: one HTTP/3 request from the command line. There is no HTTP/3-capable curl on the machines we
 * test on, so this stands in for it, with curl's option names and exit codes so that scripts read the same.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Send one HTTP/3 request and print the response, like curl")
public final class GetCommand implements Callable<Integer> {
    static final int EXIT_USAGE = 2;
    static final int EXIT_BAD_URL = 3;
    static final int EXIT_RESOLVE = 6;
    static final int EXIT_CONNECT = 7;
    static final int EXIT_HTTP_ERROR = 22;
    static final int EXIT_TIMEOUT = 28;
    static final int EXIT_RESET = 56;

    @Parameters(index = "0", paramLabel = "URL", description = "https://host[:port]/path")
    String url;

    @Option(names = {"-X", "--request"}, paramLabel = "METHOD", description = "Request method (default GET, or POST with -d)")
    String method;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME: VALUE", description = "Extra request header (repeatable)")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-d", "--data"}, paramLabel = "DATA", description = "Request body; @FILE streams a file")
    String data;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the body to FILE instead of stdout")
    Path output;

    @Option(names = {"-i", "--include"}, description = "Print the response head before the body")
    boolean include;

    @Option(names = {"-v", "--verbose"}, description = "Print request and response heads, trailers and timings to stderr")
    boolean verbose;

    @Option(names = {"-k", "--insecure"}, description = "Do not verify the server certificate")
    boolean insecure;

    @Option(names = "--cacert", paramLabel = "FILE", description = "Trust the PEM certificates in FILE")
    Path caCert;

    @Option(names = "--qlog-dir", paramLabel = "DIR",
            description = "Write a qlog file for the connection into DIR (created if missing), for qvis")
    Path qlogDir;

    @Option(names = "--connect-to", paramLabel = "HOST:PORT", description = "Connect here, but keep the URL's authority and SNI")
    String connectTo;

    @Option(names = "--via", paramLabel = "URL",
            description = "Reach the origin through this relay (https://host[:port]) over CONNECT-UDP; twice or more"
                    + " for relays in a row (a two-hop privacy relay)")
    List<String> vias;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Bearer token for a --via relay's Proxy-Authorization; one per --via, in their order")
    List<String> tokens;

    @Option(names = "--geohash", paramLabel = "GEOHASH",
            description = "Your coarse location (1-12 geohash characters) for the last --via relay alone, sent as"
                    + " Sec-CH-Geohash so that an egress hop picks a source address in your region")
    String geohash;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Give up on the whole request after this long (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class, description = "Give up on the handshake after this long (default ${DEFAULT-VALUE})")
    Duration connectTimeout;

    @Option(names = {"-f", "--fail"}, description = "Exit 22 on a status of 400 or more")
    boolean fail;

    private final PrintStream out;
    private final PrintStream err;

    public GetCommand() {
        this(System.out, System.err);
    }

    /** For tests and embedding: where the body (and {@code -i} head) and the diagnostics go. */
    public GetCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        Target target;
        Http3Request request;
        try {
            target = Target.parse(url, connectTo);
            request = buildRequest(target);
        } catch (UsageException e) {
            err.println("ferry get: " + e.getMessage());
            return e.exitCode;
        }
        InetSocketAddress address = null;
        if (vias == null || vias.isEmpty()) {
            // Through relays the last one resolves the origin's name: resolving it here would tell the local
            // resolver where the request goes, and a privacy relay's client must not.
            try {
                address = new InetSocketAddress(InetAddress.getByName(target.connectHost), target.connectPort);
            } catch (UnknownHostException e) {
                err.println("ferry get: cannot resolve host " + target.connectHost);
                return EXIT_RESOLVE;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration handshake = connectTimeout.compareTo(timeout) < 0 ? connectTimeout : timeout;
        List<HopChain.Hop> hops;
        try {
            hops = relayHops(target);
        } catch (IllegalArgumentException e) {
            err.println("ferry get: " + e.getMessage());
            return EXIT_USAGE;
        }
        EventLoopGroup group = Transport.selected().newGroup(1);
        HopChain chain = null;
        try {
            if (!hops.isEmpty()) {
                chain = HopChain.open(group, hops, size -> Http3Client.builder().group(group).insecure(insecure)
                        .caFile(caCert).connectTimeout(handshake).datagrams(true).maxUdpPayload(size).build());
                address = chain.lastHop();
                if (verbose) {
                    err.println("* through " + String.join(", then ", vias) + " (CONNECT-UDP)");
                }
            }
            int packetSize = chain == null ? QuicPacketSizes.DEFAULT_MAX_UDP_PAYLOAD : chain.maxUdpPayload();
            if (qlogDir != null) {
                // Netty takes an existing directory for one file per connection, anything else for a single file.
                java.nio.file.Files.createDirectories(qlogDir);
            }
            try (Http3Client client = Http3Client.builder().group(group).insecure(insecure).caFile(caCert)
                    .connectTimeout(handshake).maxUdpPayload(packetSize)
                    .qlogDir(qlogDir == null ? null : qlogDir.toString()).build()) {
                if (verbose) {
                    err.println("* connecting to " + address.getAddress().getHostAddress() + " port "
                            + address.getPort() + " (SNI " + target.host + ", ALPN h3)");
                }
                Http3Connection connection = await(client.connect(address, target.host), deadline);
                if (verbose) {
                    err.println("* connected");
                    printRequestHead(request);
                }
                CompletableFuture<Http3Response> pending = output != null
                        ? connection.sendTo(request, output)
                        : connection.sendTo(request, out, this::onHead);
                Http3Response response = await(pending, deadline);
                if (output != null) {
                    onHead(response.headers());
                }
                if (verbose) {
                    response.trailers().forEach(h -> err.println("< " + h.getKey() + ": " + h.getValue()));
                    err.printf(Locale.ROOT, "* %d body bytes, time to head %.1f ms, total %.1f ms%n",
                            response.bodyLength(), response.timeToHead().toNanos() / 1e6, response.total().toNanos() / 1e6);
                }
                out.flush();
                if (fail && response.status() >= 400) {
                    err.println("ferry get: the server returned status " + response.status());
                    return EXIT_HTTP_ERROR;
                }
                return 0;
            }
        } catch (Http3ConnectException e) {
            err.println("ferry get: " + e.getMessage());
            return EXIT_CONNECT;
        } catch (Http3StreamResetException e) {
            err.println("ferry get: " + e.getMessage());
            return EXIT_RESET;
        } catch (TimeoutException e) {
            err.println("ferry get: operation timed out after " + format(timeout));
            return EXIT_TIMEOUT;
        } catch (IOException e) {
            err.println("ferry get: " + e.getMessage());
            return 1;
        } catch (java.util.concurrent.ExecutionException e) {
            err.println("ferry get: through the relays: " + e.getCause().getMessage());
            return EXIT_CONNECT;
        } finally {
            if (chain != null) {
                chain.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    /**
     * The relays of {@code --via} and, last, the origin itself: the tunnel through the last relay goes to the
     * origin's UDP port, and the request's QUIC connection runs inside it. Empty without {@code --via}.
     */
    private List<HopChain.Hop> relayHops(Target target) {
        if (vias == null || vias.isEmpty()) {
            return List.of();
        }
        List<HopChain.Hop> hops = new ArrayList<>(HopChain.relays(vias, tokens, TunnelOptions.defaults(), geohash));
        hops.add(new HopChain.Hop(new HostPort(target.connectHost, target.connectPort), target.host,
                TunnelOptions.defaults()));
        return hops;
    }

    private void onHead(Http3Headers head) {
        if (verbose) {
            head.forEach(h -> err.println("< " + h.getKey() + ": " + h.getValue()));
            err.println("<");
        }
        if (include) {
            StringBuilder sb = new StringBuilder("HTTP/3 ").append(head.status()).append("\r\n");
            head.forEach(h -> {
                if (h.getKey().charAt(0) != ':') {
                    sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
                }
            });
            out.print(sb.append("\r\n"));
            out.flush();
        }
    }

    private void printRequestHead(Http3Request request) {
        err.println("> :method: " + request.method());
        err.println("> :scheme: https");
        err.println("> :authority: " + request.authority());
        err.println("> :path: " + request.path());
        for (Map.Entry<String, String> h : request.headers()) {
            err.println("> " + h.getKey() + ": " + h.getValue());
        }
        if (request.body().length() > 0) {
            err.println("> content-length: " + request.body().length());
        }
        err.println(">");
    }

    private Http3Request buildRequest(Target target) throws UsageException {
        String m = method != null ? method : data != null ? "POST" : "GET";
        Http3Request.Builder b = Http3Request.builder(m.toUpperCase(Locale.ROOT), target.path)
                .authority(target.authority);
        boolean hasContentType = false;
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new UsageException(EXIT_USAGE, "header must look like \"name: value\": " + header);
            }
            String name = header.substring(0, colon).trim();
            hasContentType |= name.equalsIgnoreCase("content-type");
            b.header(name, header.substring(colon + 1).trim());
        }
        if (data != null) {
            if (data.startsWith("@")) {
                Path file = Path.of(data.substring(1));
                if (!Files.isReadable(file)) {
                    throw new UsageException(EXIT_USAGE, "cannot read " + file);
                }
                b.body(RequestBody.of(file));
            } else {
                b.body(RequestBody.of(data.getBytes(StandardCharsets.UTF_8)));
            }
            if (!hasContentType) {
                b.header("content-type", "application/x-www-form-urlencoded"); // as curl -d does
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(EXIT_USAGE, e.getMessage());
        }
    }

    private static <T> T await(CompletableFuture<T> future, long deadline) throws Exception {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** Where to connect and what to ask for, from the URL and {@code --connect-to}. */
    record Target(String host, String authority, String path, String connectHost, int connectPort) {
        static Target parse(String url, String connectTo) throws UsageException {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new UsageException(EXIT_BAD_URL, "malformed URL: " + e.getMessage());
            }
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new UsageException(EXIT_BAD_URL, "URL must look like https://host[:port]/path: " + url);
            }
            String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                    : uri.getHost();
            int port = uri.getPort() == -1 ? 443 : uri.getPort();
            String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + port;
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            if (connectTo == null) {
                return new Target(host, authority, path, host, port);
            }
            try {
                HostPort to = HostPort.parse(connectTo, false);
                return new Target(host, authority, path, to.host(), to.port());
            } catch (IllegalArgumentException e) {
                throw new UsageException(EXIT_USAGE, "--connect-to must be HOST:PORT: " + e.getMessage());
            }
        }
    }

    /** A bad command line, with the exit code curl would use for it. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        UsageException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    /** Reads {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601 {@code PT30S}. */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.startsWith("pt")) {
                return Duration.parse(value.trim());
            }
            int i = 0;
            while (i < v.length() && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) {
                i++;
            }
            if (i == 0) {
                throw new IllegalArgumentException("not a duration: " + value);
            }
            double n = Double.parseDouble(v.substring(0, i));
            double millis = switch (v.substring(i)) {
                case "ms" -> n;
                case "", "s" -> n * 1000;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                default -> throw new IllegalArgumentException("unknown unit in duration: " + value);
            };
            return Duration.ofMillis(Math.round(millis));
        }
    }
}
