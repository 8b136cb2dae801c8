package dev.ferry.app.interop;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The test cases of the QUIC interop runner (quic-interop-runner's {@code testcases.py}) and what Ferry's endpoint
 * does in each, as server and as client. A case either runs, with the protocol and transport choices it needs, or
 * is unsupported (exit code 127, which the runner reports as such) with the reason; the reasons are documented in
 * {@code docs/interop.md}. Names not in this table are unsupported too: the runner's compliance check sends one.
 */
public enum InteropCase {
    HANDSHAKE(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    TRANSFER(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    MULTIPLEXING(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    LONGRTT(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    TRANSFERLOSS(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    TRANSFERCORRUPTION(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    GOODPUT(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    CROSSTRAFFIC(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    BLACKHOLE(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    AMPLIFICATIONLIMIT(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    IPV6(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    REBIND_PORT(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    REBIND_ADDR(Protocol.HQ, Server.PLAIN, Client.ONE_CONNECTION),
    KEYUPDATE(Protocol.HQ, Server.PLAIN, Client.UNSUPPORTED),
    RETRY(Protocol.HQ, Server.RETRY, Client.ONE_CONNECTION),
    RESUMPTION(Protocol.HQ, Server.PLAIN, Client.RESUME),
    ZERORTT(Protocol.HQ, Server.EARLY_DATA, Client.EARLY_DATA),
    MULTICONNECT(Protocol.HQ, Server.PLAIN, Client.CONNECTION_PER_FILE),
    HANDSHAKELOSS(Protocol.HQ, Server.PLAIN, Client.CONNECTION_PER_FILE),
    HANDSHAKECORRUPTION(Protocol.HQ, Server.PLAIN, Client.CONNECTION_PER_FILE),
    HTTP3(Protocol.H3, Server.PLAIN, Client.ONE_CONNECTION),
    CHACHA20(Protocol.HQ, Server.UNSUPPORTED, Client.UNSUPPORTED),
    V2(Protocol.HQ, Server.UNSUPPORTED, Client.UNSUPPORTED),
    ECN(Protocol.HQ, Server.UNSUPPORTED, Client.UNSUPPORTED),
    CONNECTIONMIGRATION(Protocol.HQ, Server.UNSUPPORTED, Client.UNSUPPORTED),
    VERSIONNEGOTIATION(Protocol.HQ, Server.PLAIN, Client.UNSUPPORTED);

    /** The application protocol a case runs over. */
    public enum Protocol { HQ, H3 }

    /** What the server does differently in a case. */
    public enum Server { PLAIN, RETRY, EARLY_DATA, UNSUPPORTED }

    /** How the client spreads the requested files over connections. */
    public enum Client { ONE_CONNECTION, CONNECTION_PER_FILE, RESUME, EARLY_DATA, UNSUPPORTED }

    private final Protocol protocol;
    private final Server server;
    private final Client client;

    InteropCase(Protocol protocol, Server server, Client client) {
        this.protocol = protocol;
        this.server = server;
        this.client = client;
    }

    /** The case the runner names {@code name} ({@code rebind-port}, {@code http3}, ...), if Ferry knows it. */
    public static Optional<InteropCase> named(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String constant = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(c -> c.name().equals(constant)).findFirst();
    }

    /** The runner's name of this case. */
    public String runnerName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public Protocol protocol() {
        return protocol;
    }

    public Server server() {
        return server;
    }

    public Client client() {
        return client;
    }

    /** Why Ferry's server cannot take part in this case, or null when it can. */
    public String serverUnsupportedReason() {
        return server == Server.UNSUPPORTED ? reason() : null;
    }

    /** Why Ferry's client cannot take part in this case, or null when it can. */
    public String clientUnsupportedReason() {
        return client == Client.UNSUPPORTED ? reason() : null;
    }

    private String reason() {
        return switch (this) {
            case CHACHA20 -> "BoringSSL under Netty's QUIC codec offers no way to restrict TLS 1.3 cipher suites";
            case V2 -> "quiche under Netty 4.2.18 speaks QUIC version 1 only";
            case ECN -> "Netty's QUIC codec neither sets nor reports ECN codepoints";
            case CONNECTIONMIGRATION -> "Netty's QUIC codec has no preferred_address and no client-side migration";
            case KEYUPDATE -> "Netty's QUIC client cannot start a key update (quiche initiates none on request)";
            case VERSIONNEGOTIATION -> "the interop client cannot offer an unsupported version first";
            default -> "unsupported";
        };
    }
}
